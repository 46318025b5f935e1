/**
 * The SQLite store's checkpoints (copying committed WAL pages into the database file), on a thread
 * of their own with their own connection.
 *
 * better-sqlite3 is synchronous, and a checkpoint copies pages and fsyncs the database file: on
 * the writer thread it held up the next write transaction, and on the collector's thread (where
 * the store's reading connection took them until the eleventh round of docs/performance.md) it
 * held up decoding, deriving and HTTP for ~8 % of that thread's time under ingest. Here it holds up
 * nothing: full SQLite ingest ran at a median 23.7k against 20.7k spans/s (14 alternating pairs,
 * faster in 11), for ~9 MB more resident memory. The writer decides when (writer.ts: after
 * answered writes, at most once per `CHECKPOINT_INTERVAL_MS`); this thread runs one at a time,
 * and one more after it when asked meanwhile, so requests never pile up behind a slow disk.
 */
import { Worker } from 'node:worker_threads';
import { workerEntry } from './worker-entry.js';

export interface CheckpointWorkerData {
  path: string;
}

export type CheckpointRequest = 'checkpoint' | 'close';
/** `ready` once the connection is open, `done` after each checkpoint (run or failed). */
export type CheckpointReply = 'ready' | 'done';

export class CheckpointThread {
  private worker: Promise<Worker> | undefined;
  /** A checkpoint was posted and not answered yet. */
  private running = false;
  /** Asked for while one was running. */
  private wanted = false;
  private closed = false;

  constructor(private readonly path: string) {}

  /** Starts the thread (the store calls it in `init`, so a database it cannot open fails there). */
  async start(): Promise<void> {
    await this.started();
  }

  /** Asks for a checkpoint and returns at once. */
  request(): void {
    if (this.closed) return;
    if (this.running) {
      this.wanted = true;
      return;
    }
    this.running = true;
    this.wanted = false;
    this.started().then(
      (worker) => {
        // Kept alive only while a checkpoint runs, so an idle store never holds the process open.
        worker.ref();
        worker.postMessage('checkpoint' satisfies CheckpointRequest);
      },
      // The thread could not start again: the writer connection's own checkpoint bounds the WAL.
      () => {
        this.running = false;
      },
    );
  }

  /** Lets a running checkpoint finish, then ends the thread. */
  async close(): Promise<void> {
    this.closed = true;
    const starting = this.worker;
    this.worker = undefined;
    const worker = await starting?.catch(() => undefined);
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.ref();
    worker.postMessage('close' satisfies CheckpointRequest);
    await exited;
  }

  private started(): Promise<Worker> {
    this.worker ??= this.spawn();
    return this.worker;
  }

  private spawn(): Promise<Worker> {
    const { entry, eval: isEval } = workerEntry('./checkpoint-worker', import.meta.url);
    // The thread holds a connection and next to no JavaScript objects.
    const worker = new Worker(entry, {
      eval: isEval,
      workerData: { path: this.path } satisfies CheckpointWorkerData,
      resourceLimits: { maxOldGenerationSizeMb: 32 },
    });
    const spawned = new Promise<Worker>((resolve, reject) => {
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`SQLite checkpoint thread exited with code ${code} before it was ready`)));
      worker.on('message', (reply: CheckpointReply) => {
        if (reply === 'ready') {
          worker.off('error', reject);
          worker.unref();
          resolve(worker);
          return;
        }
        this.running = false;
        if (this.wanted) this.request();
        else worker.unref();
      });
    });
    // Died (a native crash, an uncaught error): the next request starts a new thread.
    worker.on('error', () => {});
    worker.on('exit', () => {
      if (this.worker === spawned) this.worker = undefined;
      this.running = false;
    });
    spawned.catch(() => {});
    return spawned;
  }
}
