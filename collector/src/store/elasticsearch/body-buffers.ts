/**
 * Buffers for bulk request bodies, reused from one request to the next. A fresh multi-megabyte
 * buffer is memory the kernel has to map in page by page on first write, and that V8 counts as
 * external memory that hastens garbage collections; writing request bodies into new buffers cost
 * more than JSON-serializing the documents. A handful of buffers cover every request in flight.
 *
 * A buffer comes back only once its request was answered with success: Elasticsearch answers a
 * bulk request after reading all of it, so the socket holds no part of the buffer any more. A
 * buffer whose request failed may still sit in a socket's write queue and is left to the GC.
 */

/** Smallest buffer made: room for a typical request of a few hundred documents. */
const MIN_BYTES = 1024 * 1024;
/** Larger buffers (a request holding one huge document) are not kept. */
const MAX_KEPT_BYTES = 8 * 1024 * 1024;
/** Two concurrent bulk calls (spans of one batch, derived records of the previous) of 4 requests each. */
const MAX_KEPT = 8;

export class BodyBuffers {
  private readonly free: Array<Buffer<ArrayBuffer>> = [];

  /** A buffer of at least `bytes` bytes, with unspecified contents. */
  take(bytes: number): Buffer<ArrayBuffer> {
    for (let i = this.free.length - 1; i >= 0; i--) {
      const buffer = this.free[i] as Buffer<ArrayBuffer>;
      if (buffer.length >= bytes) {
        this.free.splice(i, 1);
        return buffer;
      }
    }
    return Buffer.allocUnsafeSlow(Math.max(bytes, MIN_BYTES));
  }

  /** Gives back a buffer no request uses any more. */
  give(buffer: Buffer<ArrayBuffer>): void {
    if (buffer.length > MAX_KEPT_BYTES) return;
    if (this.free.length >= MAX_KEPT) {
      // Keep the largest: they fit every request the smaller ones fit.
      const smallest = this.free.reduce((min, b, i, all) => (b.length < (all[min] as Buffer).length ? i : min), 0);
      if ((this.free[smallest] as Buffer).length >= buffer.length) return;
      this.free.splice(smallest, 1);
    }
    this.free.push(buffer);
  }

  /** Buffers kept (for tests). */
  get kept(): number {
    return this.free.length;
  }
}

/** One pool per process: the collector has one store, and tests reuse buffers harmlessly. */
export const bodyBuffers = new BodyBuffers();
