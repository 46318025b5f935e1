/**
 * Queue depths over plain AMQP, for brokers without the management plugin: a passive declare
 * (`queue.declare` with `passive`) answers a queue's ready-message and consumer counts without
 * creating anything. It cannot list queues, see unacknowledged messages or count deliveries.
 *
 * The broker closes the channel when a passively declared queue does not exist (404), is another
 * connection's exclusive queue (405) or is off limits (403): such queues are skipped and the channel
 * reopened. One connection is reused across polls and made again after it drops.
 */
import amqp, { type Channel, type ChannelModel } from 'amqplib';
import { redact } from './management-client.js';

export interface DeclaredQueue {
  name: string;
  ready: number;
  consumers: number;
}

export interface PassiveDeclareLog {
  warn(obj: object, msg?: string): void;
  debug?(obj: object, msg?: string): void;
}

/** Channels declaring in parallel: one RPC at a time per channel, a few channels hide the round trips. */
const CHANNELS = 4;
const CONNECT_TIMEOUT_MS = 10_000;
/** Channel-closing replies that concern one queue, not the connection. */
const QUEUE_LEVEL_CODES = new Set([403, 404, 405]);

export class PassiveDeclareClient {
  readonly shownUrl: string;
  private connection: ChannelModel | undefined;
  private connecting: Promise<ChannelModel> | undefined;
  private readonly channels: Array<Channel | undefined> = [];
  private closed = false;

  constructor(
    private readonly url: string,
    /** Shown in RabbitMQ's connection list, so operators see who is declaring. */
    private readonly connectionName: string,
    private readonly log: PassiveDeclareLog | undefined,
  ) {
    this.shownUrl = redact(url);
  }

  /** Connects now (or reuses the live connection); rejects with a clear message when the broker is down. */
  async connect(): Promise<ChannelModel> {
    if (this.closed) throw new Error(`lag source for ${this.shownUrl} is closed`);
    if (this.connection) return this.connection;
    this.connecting ??= this.open().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  /** Counts of the queues that exist, in the order asked; missing or inaccessible queues are left out. */
  async checkQueues(names: readonly string[], signal: AbortSignal): Promise<DeclaredQueue[]> {
    const found: Array<DeclaredQueue | undefined> = new Array(names.length);
    let next = 0;
    const worker = async (slot: number): Promise<void> => {
      while (next < names.length) {
        signal.throwIfAborted();
        const index = next++;
        const name = names[index]!;
        found[index] = await this.checkOne(slot, name, signal);
      }
    };
    await Promise.all(Array.from({ length: Math.min(CHANNELS, names.length) }, (_, slot) => worker(slot)));
    return found.filter((queue): queue is DeclaredQueue => queue !== undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    const connection = this.connection ?? (await this.connecting?.catch(() => undefined));
    this.connection = undefined;
    this.channels.length = 0;
    await connection?.close().catch(() => {});
  }

  private async open(): Promise<ChannelModel> {
    let connection: ChannelModel;
    try {
      connection = await amqp.connect(this.url, { timeout: CONNECT_TIMEOUT_MS, clientProperties: { connection_name: this.connectionName } });
    } catch (err) {
      throw new Error(`RabbitMQ at ${this.shownUrl} is unreachable: ${describe(err)}`);
    }
    // Without an 'error' listener a dropped connection would crash the collector.
    connection.on('error', (err: Error) => this.log?.warn({ err: describe(err), broker: this.shownUrl }, 'RabbitMQ lag connection error'));
    connection.on('close', () => {
      if (this.connection === connection) {
        this.connection = undefined;
        this.channels.length = 0;
      }
    });
    if (this.closed) {
      await connection.close().catch(() => {});
      throw new Error(`lag source for ${this.shownUrl} is closed`);
    }
    this.connection = connection;
    return connection;
  }

  private async channel(slot: number): Promise<Channel> {
    const existing = this.channels[slot];
    if (existing) return existing;
    const connection = await this.connect();
    let channel: Channel;
    try {
      channel = await connection.createChannel();
    } catch (err) {
      throw new Error(`RabbitMQ at ${this.shownUrl}: could not open a channel: ${describe(err)}`);
    }
    channel.on('error', () => {
      // The rejected RPC reports it; this listener only keeps the event from being unhandled.
    });
    channel.on('close', () => {
      if (this.channels[slot] === channel) this.channels[slot] = undefined;
    });
    this.channels[slot] = channel;
    return channel;
  }

  private async checkOne(slot: number, name: string, signal: AbortSignal): Promise<DeclaredQueue | undefined> {
    const channel = await this.channel(slot);
    try {
      const reply = await abortable(channel.checkQueue(name), signal);
      return { name, ready: reply.messageCount, consumers: reply.consumerCount };
    } catch (err) {
      if (signal.aborted) throw err;
      const code = (err as { code?: unknown }).code;
      if (typeof code === 'number' && QUEUE_LEVEL_CODES.has(code)) {
        // The broker closed this channel; the next declare on this slot opens a new one.
        this.channels[slot] = undefined;
        this.log?.debug?.({ queue: name, code, broker: this.shownUrl }, 'RabbitMQ queue skipped: passive declare refused');
        return undefined;
      }
      throw new Error(`RabbitMQ at ${this.shownUrl}: passive declare of "${name}" failed: ${describe(err)}`);
    }
  }
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason instanceof Error ? signal.reason : new Error('poll aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

/** Socket errors from a dual-stack connect arrive as an AggregateError with an empty message. */
export function describe(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) return err.errors.map(describe).join('; ');
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}
