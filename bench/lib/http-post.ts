/**
 * The timed clients' POST: `node:http` with a keep-alive agent, as the OpenTelemetry JS OTLP/HTTP
 * exporter sends. The bench shares the machine's two cores with what it measures, so its clients
 * must cost as little as they can, and the same on both sides of a ratio (the collector's OTLP
 * clients and the bare `_bulk` loop). `fetch` (undici) cost ~4× the CPU per 226 KB request
 * (1.3–1.5 vs 0.31–0.34 ms, 200 requests to a server that discards them, three alternating rounds).
 */
import { Agent, request } from 'node:http';

export interface PostAnswer {
  status: number;
  /** Retry-After, when the server sent one. */
  retryAfter: string | undefined;
  body: Buffer;
}

/**
 * Sends every item through `send`, in order, `clients` at a time: each client takes the next item
 * when its previous one is done, as a pool of exporters would. Rejects on the first failure.
 */
export async function sendConcurrently<T>(items: readonly T[], clients: number, send: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < items.length) await send(items[next++] as T);
    }),
  );
}

export class HttpPoster {
  private readonly agent: Agent;

  /** `sockets`: the most requests in flight at once (one connection each, kept open). */
  constructor(sockets: number) {
    this.agent = new Agent({ keepAlive: true, maxSockets: sockets });
  }

  /** One POST; resolves once the whole answer is read, whatever its status. */
  post(url: string, body: Uint8Array, contentType: string): Promise<PostAnswer> {
    return new Promise((resolve, reject) => {
      const req = request(url, { method: 'POST', agent: this.agent, headers: { 'content-type': contentType, 'content-length': body.byteLength } }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.once('error', reject);
        response.once('end', () => {
          const retryAfter = response.headers['retry-after'];
          resolve({ status: response.statusCode ?? 0, retryAfter: typeof retryAfter === 'string' ? retryAfter : undefined, body: Buffer.concat(chunks) });
        });
      });
      req.once('error', reject);
      req.end(body);
    });
  }

  /** Closes the kept-open connections. */
  close(): void {
    this.agent.destroy();
  }
}
