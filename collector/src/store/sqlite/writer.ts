/**
 * Where the SQLite store's writes run.
 *
 * For a database file, on a worker thread with its own connection (`WorkerWriter`): better-sqlite3
 * is synchronous, so a write transaction on the collector's thread stops everything else there
 * (HTTP, decoding, deriving, API reads) for its whole length. On its own thread the statements run
 * on the second core while the collector's thread derives the next batch and answers requests; WAL
 * lets the collector's connection read the last committed state meanwhile. Calls run in the order
 * they are made; each resolves once its transaction committed (fsynced), or rejects with the
 * error it raised.
 *
 * For `:memory:` (one connection only can see that database), inline on the same connection
 * (`InlineWriter`).
 *
 * Checkpoints (copying committed WAL pages into the database file) are kept off the writer thread:
 * on ingest they were about a fifth of its time (~4 KB written per span instead of ~2 KB), and that
 * thread is what bounds SQLite ingest. After answered writes, `WorkerWriter` calls its `checkpoint`
 * option (the store hands the request to its checkpoint thread, checkpointer.ts) at most once per
 * `checkpointIntervalMs` (the store uses `CHECKPOINT_INTERVAL_MS`) and always once after the last
 * write. The interval lets one checkpoint copy a page that several writes changed (index and rollup
 * pages are rewritten by every batch) once instead of once per write. It is kept short: a 1 s
 * interval was no faster than none (four alternating pairs), likely because the WAL then restarts
 * from its beginning less often and the store's look-ups in it grow longer. The writer
 * connection checkpoints itself only once the WAL reaches `WRITER_AUTOCHECKPOINT_PAGES`
 * (connection.ts): cheap then, as only the pages not copied yet remain, and it lets the WAL start
 * over from its beginning, so the file stays bounded.
 */
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { prepareWrites, type SqliteWrites, type WriteName } from './writes.js';
import type { WriterReply, WriterRequest, WriterWorkerData } from './writer-protocol.js';
import { workerEntry } from './worker-entry.js';

/**
 * The store's least time between two checkpoints. Full SQLite ingest, ten alternating run pairs
 * against a checkpoint after every write: median 20.1k vs 18.7k spans/s, 74.9 vs 78.4 µs of
 * collector CPU per span, faster in 8 pairs of 10 (docs/performance.md, seventh round).
 */
export const CHECKPOINT_INTERVAL_MS = 250;

export type WriteResult<K extends WriteName> = Awaited<ReturnType<SqliteWrites[K]>>;

export interface SqliteWriter {
  /** False when writes commit before `write` returns (inline), true when they commit on another thread. */
  readonly threaded: boolean;
  write<K extends WriteName>(name: K, ...args: Parameters<SqliteWrites[K]>): Promise<WriteResult<K>>;
  close(): Promise<void>;
}

export class InlineWriter implements SqliteWriter {
  readonly threaded = false;
  private readonly writes: SqliteWrites;

  constructor(db: Database.Database) {
    this.writes = prepareWrites(db);
  }

  async write<K extends WriteName>(name: K, ...args: Parameters<SqliteWrites[K]>): Promise<WriteResult<K>> {
    const write = this.writes[name] as (...args: unknown[]) => unknown;
    return (await write(...args)) as WriteResult<K>;
  }

  async close(): Promise<void> {}
}

interface Pending {
  worker: Worker;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/** An error raised on the writer thread, with SQLite's error code when it had one. */
export class SqliteWriteError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'SqliteWriteError';
  }
}

export interface WorkerWriterOptions {
  /**
   * The thread's V8 heap (old generation) limit, default 256 MB. It holds one write's rows at a
   * time; past the limit the thread dies, its unanswered writes fail (the ingest pipeline retries
   * them) and the next write starts a new thread, so memory stays bounded.
   */
  maxHeapMb?: number;
  /** Called on this thread after writes were answered, to ask for a checkpoint; see the file comment. Errors are ignored. */
  checkpoint?: () => void;
  /** The least time in ms between two `checkpoint` calls; default 0, once per burst of answered writes. */
  checkpointIntervalMs?: number;
}

export class WorkerWriter implements SqliteWriter {
  readonly threaded = true;
  private worker: Promise<Worker> | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private closed = false;
  private checkpointTimer: NodeJS.Timeout | undefined;
  private lastCheckpointAt = -Infinity;
  private readonly maxHeapMb: number;

  constructor(
    private readonly path: string,
    private readonly options: WorkerWriterOptions = {},
  ) {
    this.maxHeapMb = options.maxHeapMb ?? 256;
  }

  /** Starts the thread (the store calls it in `init`, so a database the thread cannot open fails there). */
  async start(): Promise<void> {
    await this.started();
  }

  async write<K extends WriteName>(name: K, ...args: Parameters<SqliteWrites[K]>): Promise<WriteResult<K>> {
    if (this.closed) throw new Error('SQLite writer is closed');
    const worker = await this.started();
    const id = this.nextId++;
    return new Promise<WriteResult<K>>((resolve, reject) => {
      this.pending.set(id, { worker, resolve: resolve as (value: unknown) => void, reject });
      // Kept alive only while a write is outstanding, so an idle store never holds the process open.
      worker.ref();
      worker.postMessage({ type: 'write', id, name, args } satisfies WriterRequest);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.checkpointTimer);
    this.checkpointTimer = undefined;
    const starting = this.worker;
    this.worker = undefined;
    if (!starting) return;
    const worker = await starting.catch(() => undefined);
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.ref();
    // Writes already posted run first: the thread handles messages in order.
    worker.postMessage({ type: 'close' } satisfies WriterRequest);
    await exited;
  }

  private started(): Promise<Worker> {
    this.worker ??= this.spawn();
    return this.worker;
  }

  private spawn(): Promise<Worker> {
    const options = { workerData: { path: this.path } satisfies WriterWorkerData, resourceLimits: { maxOldGenerationSizeMb: this.maxHeapMb } };
    const { entry, eval: isEval } = workerEntry('./writer-worker', import.meta.url);
    const worker = new Worker(entry, { ...options, eval: isEval });
    const spawned = new Promise<Worker>((resolve, reject) => {
      const onStartError = (err: Error): void => reject(err);
      worker.once('error', onStartError);
      worker.once('exit', (code) => reject(new Error(`SQLite writer thread exited with code ${code} before it was ready`)));
      worker.on('message', (reply: WriterReply) => {
        if (reply.type === 'ready') {
          worker.off('error', onStartError);
          worker.unref();
          resolve(worker);
          return;
        }
        this.settle(worker, reply);
      });
    });
    worker.on('error', (err) => this.failAll(worker, spawned, err));
    worker.on('exit', (code) => this.failAll(worker, spawned, new Error(`SQLite writer thread exited with code ${code}`)));
    // A failed start is retried by the next write, not remembered.
    spawned.catch(() => {
      if (this.worker === spawned) this.worker = undefined;
    });
    return spawned;
  }

  private settle(worker: Worker, reply: Exclude<WriterReply, { type: 'ready' }>): void {
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) worker.unref();
    if (reply.ok) pending.resolve(reply.value);
    else pending.reject(new SqliteWriteError(reply.message, reply.code));
    this.queueCheckpoint();
  }

  /** After the callers of the answered writes ran: a checkpoint never delays them. */
  private queueCheckpoint(): void {
    const checkpoint = this.options.checkpoint;
    if (!checkpoint || this.checkpointTimer) return;
    const wait = Math.max(0, this.lastCheckpointAt + (this.options.checkpointIntervalMs ?? 0) - performance.now());
    this.checkpointTimer = setTimeout(() => {
      this.checkpointTimer = undefined;
      if (this.closed) return;
      this.lastCheckpointAt = performance.now();
      try {
        checkpoint();
      } catch {
        // Busy or closing: the next write tries again, and the writer's own checkpoint bounds the WAL.
      }
    }, wait);
    // A pending checkpoint never holds the process open; the last connection to close checkpoints anyway.
    this.checkpointTimer.unref();
  }

  /**
   * The thread died (a native crash, an uncaught error): every write not answered fails, so its
   * caller retries it (the ingest pipeline still holds its batch); the next write starts a new thread.
   */
  private failAll(worker: Worker, spawned: Promise<Worker>, err: Error): void {
    if (this.worker === spawned) this.worker = undefined;
    for (const [id, pending] of this.pending) {
      if (pending.worker !== worker) continue;
      this.pending.delete(id);
      pending.reject(err);
    }
  }
}
