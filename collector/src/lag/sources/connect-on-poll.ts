/**
 * A source whose broker connection is made on its first poll, and made again on later polls until
 * it succeeds: the collector starts (and serves traces) while a broker is still down, and the source
 * shows as down with the connection error until the broker answers.
 */
import type { GroupReading, LagSource, LagSystem } from '../types.js';

export class ConnectOnPollSource implements LagSource {
  private connected: LagSource | undefined;
  private connecting: Promise<LagSource> | undefined;
  private closed = false;

  constructor(
    readonly name: string,
    readonly system: LagSystem,
    private readonly connect: () => Promise<LagSource>,
  ) {}

  async poll(signal: AbortSignal): Promise<GroupReading[]> {
    const source = this.connected ?? (await this.connectOnce());
    return source.poll(signal);
  }

  async close(): Promise<void> {
    this.closed = true;
    const source = this.connected ?? (await this.connecting?.catch(() => undefined));
    await source?.close();
  }

  private async connectOnce(): Promise<LagSource> {
    this.connecting ??= this.connect();
    try {
      const source = await this.connecting;
      if (this.closed) {
        await source.close();
        throw new Error(`${this.name}: closed`);
      }
      this.connected = source;
      return source;
    } finally {
      this.connecting = undefined;
    }
  }
}
