/**
 * The ingest pipeline between `POST /v1/traces` and the correlator: `submit` makes a batch durable
 * in the write-ahead log (so the HTTP 2xx is a promise kept across crashes) and one worker feeds
 * WAL entries, in order, to `process`, with up to `batchesInFlight` batches in it at once (default
 * 2; the collector sets it per store, batch-spans.ts) and completion strictly in order. The
 * correlator derives records from what is already stored; it copes with the overlap itself (serial
 * stages, spans of unfinished batches held in memory), and overlapping lets a slow store's writes
 * for one batch run while the next is derived.
 *
 * The backlog lives on disk, not in memory: queued entries are references into the WAL and are read
 * back when their turn comes (only the newest entries, about one batch per slot, are kept in memory,
 * see `WalOptions.recentSpans`), so memory stays bounded by `maxBatchSpans` × slots, whatever the backlog.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SpanRecord } from '../model/span.js';
import type { OtlpBody } from './otlp-batch.js';
import type { IngestLogger, IngestPipelineOptions, IngestStats, SubmitResult } from './types.js';
import { WriteAheadLog } from './wal.js';
import type { WalEntry } from './wal.js';

export type { IngestLogger, IngestPipelineOptions, IngestStats, SubmitResult } from './types.js';
export type { OtlpBody } from './otlp-batch.js';

const DEFAULTS = {
  maxBacklogSpans: 200_000,
  maxBatchSpans: 5000,
  batchesInFlight: 2,
  drainTimeoutMs: 10_000,
  retryInitialDelayMs: 200,
  retryMaxDelayMs: 30_000,
};
/** Retry-After bounds (seconds) and the value used before any throughput has been measured. */
const RETRY_AFTER = { min: 1, max: 60, unknownRate: 5 };
/** Retry-After while shutting down: the restarted collector will take the batch. */
const RETRY_AFTER_CLOSING_SECONDS = 5;

type State = 'new' | 'starting' | 'running' | 'closing' | 'closed';

/** The part of a big WAL entry not yet processed, when one entry is larger than a batch. */
interface PartialHead {
  entry: WalEntry;
  spans: SpanRecord[];
  offset: number;
}

interface Batch {
  spans: SpanRecord[];
  /** Entries fully processed once this batch (and every batch before it) succeeds. */
  completes: WalEntry[];
}

/** Where the next batch starts: an index into the queue, and the part of that entry already taken. */
interface Cursor {
  index: number;
  partial: PartialHead | undefined;
}

interface IdleWaiter {
  seq: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

export class IngestPipeline {
  private readonly options: Required<Omit<IngestPipelineOptions, 'log' | 'maxSegmentBytes'>> & Pick<IngestPipelineOptions, 'maxSegmentBytes'>;
  private readonly log: IngestLogger | undefined;
  private state: State = 'new';
  private wal: WriteAheadLog | undefined;
  /** Durable, unprocessed entries in seq order. */
  private readonly queue: WalEntry[] = [];
  /** The next batch starts here; entries before it are in flight. */
  private cursor: Cursor = { index: 0, partial: undefined };
  /** Spans in `queue` (minus what a partial head already processed). */
  private queuedSpans = 0;
  /** Spans of appends still being written: they count against the backlog limit already. */
  private reservedSpans = 0;
  private readonly inflight = new Set<Promise<unknown>>();
  private lastDurableSeq = 0;
  /** Seq of the last entry processed AND compacted out of the WAL (what idle() waits for). */
  private settledSeq = 0;
  private processedSpans = 0;
  private failedAttempts = 0;
  /** Smoothed processing rate (spans per second), for Retry-After estimates. */
  private spansPerSecond = 0;
  /** Set while the worker waits to retry a failed batch. */
  private retryDelayMs: number | undefined;
  private idleWaiters: IdleWaiter[] = [];
  private wakeWorker: (() => void) | undefined;
  private readonly stop = new AbortController();
  private worker: Promise<void> | undefined;
  private closing: Promise<void> | undefined;

  constructor(options: IngestPipelineOptions) {
    this.options = {
      walDir: options.walDir,
      process: options.process,
      maxBacklogSpans: options.maxBacklogSpans ?? DEFAULTS.maxBacklogSpans,
      maxBatchSpans: options.maxBatchSpans ?? DEFAULTS.maxBatchSpans,
      batchesInFlight: Math.max(1, options.batchesInFlight ?? DEFAULTS.batchesInFlight),
      drainTimeoutMs: options.drainTimeoutMs ?? DEFAULTS.drainTimeoutMs,
      retryInitialDelayMs: options.retryInitialDelayMs ?? DEFAULTS.retryInitialDelayMs,
      retryMaxDelayMs: options.retryMaxDelayMs ?? DEFAULTS.retryMaxDelayMs,
      maxSegmentBytes: options.maxSegmentBytes,
    };
    if (!(this.options.maxBatchSpans >= 1)) throw new Error('maxBatchSpans must be at least 1');
    this.log = options.log;
  }

  /** Opens the WAL, queues what a previous run left unprocessed, and starts the worker. */
  async start(): Promise<void> {
    if (this.state !== 'new') throw new Error(`IngestPipeline.start() called twice (state ${this.state})`);
    this.state = 'starting';
    let opened;
    try {
      opened = await WriteAheadLog.open({
        dir: this.options.walDir,
        maxSegmentBytes: this.options.maxSegmentBytes,
        // Enough for the next batch: under steady load the worker then never reads its own WAL back.
        recentSpans: this.options.maxBatchSpans * (this.options.batchesInFlight + 1),
        onDurable: (entries) => {
          // Appended spans move from "being written" to "queued" in the same tick, so the backlog never counts them twice.
          for (const entry of entries) this.reservedSpans -= entry.spanCount;
          this.enqueue(entries);
        },
        log: this.log,
      });
    } catch (err) {
      this.state = 'new';
      throw err;
    }
    const { wal, replay } = opened;
    this.wal = wal;
    if (replay.length > 0) {
      const spans = replay.reduce((n, e) => n + e.spanCount, 0);
      this.log?.info({ entries: replay.length, spans, walBytes: wal.bytes }, 'replaying unprocessed batches from the write-ahead log');
      this.enqueue(replay);
    }
    this.state = 'running';
    // The worker handles its own failures; this only keeps a bug in it from becoming an unhandled rejection in the host.
    this.worker = this.run().catch((err: unknown) => {
      this.log?.error({ err }, 'ingest worker stopped unexpectedly; unprocessed batches stay in the write-ahead log');
    });
  }

  /**
   * Durably accepts a batch (resolves once it is on disk), or refuses it while the backlog is full or
   * the pipeline is closing. `source` is the OTLP request body the spans were decoded from: when given,
   * the WAL logs it instead of re-encoding the spans, so `spans` must be exactly what
   * `decodeOtlpBatch(source)` accepted (replay decodes it again).
   */
  async submit(spans: SpanRecord[], source?: OtlpBody): Promise<SubmitResult> {
    if (this.state === 'new' || this.state === 'starting') throw new Error('IngestPipeline.submit() before start() finished');
    if (this.state !== 'running') return { accepted: false, retryAfterSeconds: RETRY_AFTER_CLOSING_SECONDS };
    if (spans.length === 0) return { accepted: true };
    const backlog = this.backlog();
    // A single batch larger than the limit is still taken when nothing is waiting, or it could never get in.
    if (backlog > 0 && backlog + spans.length > this.options.maxBacklogSpans) {
      return { accepted: false, retryAfterSeconds: this.retryAfterSeconds() };
    }
    const wal = this.wal as WriteAheadLog;
    this.reservedSpans += spans.length;
    const append = wal.append(spans, source);
    this.inflight.add(append);
    try {
      await append;
    } catch (err) {
      this.reservedSpans -= spans.length;
      throw err;
    } finally {
      this.inflight.delete(append);
    }
    return { accepted: true };
  }

  /** Resolves when everything submitted (or replayed) so far has been processed. */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
    const seq = this.lastDurableSeq;
    if (this.settledSeq >= seq) return;
    if (this.state === 'closed') throw this.closedError();
    await new Promise<void>((resolve, reject) => this.idleWaiters.push({ seq, resolve, reject }));
  }

  /** Stops accepting, drains for up to `drainTimeoutMs`, then closes the WAL. Whatever is left is replayed on next start. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  stats(): IngestStats {
    return {
      backlogSpans: this.backlog(),
      processedSpans: this.processedSpans,
      failedAttempts: this.failedAttempts,
      walBytes: this.wal?.bytes ?? 0,
    };
  }

  private async shutdown(): Promise<void> {
    if (this.state === 'new') {
      this.state = 'closed';
      return;
    }
    this.state = 'closing';
    const deadline = performance.now() + this.options.drainTimeoutMs;
    const drained = await withTimeout(this.idle(), this.options.drainTimeoutMs);
    if (!drained) {
      this.log?.warn({ backlogSpans: this.backlog() }, 'ingest backlog not drained before shutdown; it stays in the write-ahead log and is replayed on next start');
    }
    this.stop.abort();
    this.wakeWorker?.();
    // A `process` call that hangs cannot be cancelled; after the deadline the WAL is closed under it
    // and the worker, when it wakes, sees the stop and touches nothing.
    if (this.worker) await withTimeout(this.worker, Math.max(0, deadline - performance.now()));
    await this.wal?.close();
    this.state = 'closed';
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const waiter of waiters) waiter.reject(this.closedError());
  }

  private enqueue(entries: WalEntry[]): void {
    for (const entry of entries) {
      this.queue.push(entry);
      this.queuedSpans += entry.spanCount;
      this.lastDurableSeq = Math.max(this.lastDurableSeq, entry.seq);
    }
    this.wakeWorker?.();
  }

  /**
   * Keeps up to `batchesInFlight` batches in `process` at once (the correlator pipelines its own
   * stages: the next batch is derived while this one's records are written) and completes them in
   * order, so the write-ahead log is only ever released up to a batch when every earlier one is done.
   */
  private async run(): Promise<void> {
    const inFlight: Array<{ batch: Batch; done: Promise<boolean>; started: number }> = [];
    let lastCompleted = performance.now();
    while (!this.stop.signal.aborted) {
      while (inFlight.length < this.options.batchesInFlight && this.cursor.index < this.queue.length) {
        let batch: Batch;
        try {
          batch = await this.nextBatch();
        } catch (err) {
          // An unreadable entry is dropped only at the head of the queue, once nothing is in flight.
          if (inFlight.length > 0) break;
          this.dropCorruptHead(err);
          continue;
        }
        inFlight.push({ batch, done: this.processWithRetry(batch.spans), started: performance.now() });
      }
      const head = inFlight[0];
      if (!head) {
        await this.newEntries();
        continue;
      }
      // With a slot free, new entries may start a batch before the head finishes.
      if (inFlight.length < this.options.batchesInFlight) {
        const first = await Promise.race([head.done.then(() => 'head' as const), this.newEntries().then(() => 'woken' as const)]);
        this.wakeWorker = undefined;
        if (first === 'woken') continue;
      }
      inFlight.shift();
      const done = await head.done;
      if (!done || this.stop.signal.aborted) {
        await Promise.allSettled(inFlight.map((next) => next.done));
        return;
      }
      const now = performance.now();
      this.measure(head.batch.spans.length, now - Math.max(head.started, lastCompleted));
      lastCompleted = now;
      await this.complete(head.batch);
    }
    await Promise.allSettled(inFlight.map((next) => next.done));
  }

  /** Resolves when entries are enqueued (or the pipeline stops). */
  private newEntries(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.wakeWorker = resolve;
    });
  }

  /**
   * Merges queued entries from the cursor on into one batch of at most `maxBatchSpans`, splitting an
   * entry only when it alone is larger, and moves the cursor past it.
   */
  private async nextBatch(): Promise<Batch> {
    const wal = this.wal as WriteAheadLog;
    const max = this.options.maxBatchSpans;
    const spans: SpanRecord[] = [];
    const completes: WalEntry[] = [];
    const first = this.cursor.index;
    for (let index = first; index < this.queue.length; index++) {
      const entry = this.queue[index] as WalEntry;
      if (spans.length >= max) break;
      let entrySpans: SpanRecord[];
      let from = 0;
      if (index === first && this.cursor.partial?.entry === entry) {
        entrySpans = this.cursor.partial.spans;
        from = this.cursor.partial.offset;
      } else {
        if (spans.length > 0 && spans.length + entry.spanCount > max) break;
        try {
          entrySpans = await wal.read(entry);
        } catch (err) {
          if (index === first) throw err;
          break; // deal with it when it reaches the head
        }
        if (entrySpans.length !== entry.spanCount) this.recount(entry, entrySpans.length);
      }
      const room = max - spans.length;
      if (entrySpans.length - from <= room) {
        for (let i = from; i < entrySpans.length; i++) spans.push(entrySpans[i] as SpanRecord);
        completes.push(entry);
        continue;
      }
      for (let i = from; i < from + room; i++) spans.push(entrySpans[i] as SpanRecord);
      this.cursor = { index: first + completes.length, partial: { entry, spans: entrySpans, offset: from + room } };
      return { spans, completes };
    }
    this.cursor = { index: first + completes.length, partial: undefined };
    return { spans, completes };
  }

  /** Calls `process` until it succeeds; false when the pipeline stopped first. */
  private async processWithRetry(spans: SpanRecord[]): Promise<boolean> {
    let delay = this.options.retryInitialDelayMs;
    for (let attempt = 1; ; attempt++) {
      if (this.stop.signal.aborted) return false;
      try {
        await this.options.process(spans);
        this.retryDelayMs = undefined;
        return true;
      } catch (err) {
        this.failedAttempts += 1;
        this.log?.warn({ err, attempt, spans: spans.length, retryInMs: delay }, 'processing an ingest batch failed; retrying');
      }
      this.retryDelayMs = delay;
      try {
        await sleep(delay, undefined, { signal: this.stop.signal });
      } catch {
        return false; // aborted by close()
      }
      delay = Math.min(delay * 2, this.options.retryMaxDelayMs);
    }
  }

  private async complete(batch: Batch): Promise<void> {
    this.queue.splice(0, batch.completes.length);
    this.cursor = { ...this.cursor, index: this.cursor.index - batch.completes.length };
    this.queuedSpans -= batch.spans.length;
    this.processedSpans += batch.spans.length;
    const last = batch.completes.at(-1);
    if (last) await this.markProcessed(last.seq);
  }

  /**
   * A logged request body decoded to a different number of spans than it had when accepted: only
   * possible when the decoder changed across an upgrade. Every decoded span is processed (none of
   * the acknowledged ones is dropped); the backlog count follows what is actually there.
   */
  private recount(entry: WalEntry, decodedSpans: number): void {
    this.log?.warn({ seq: entry.seq, loggedSpans: entry.spanCount, decodedSpans }, 'a write-ahead log entry decoded to a different number of spans than when it was accepted');
    this.queuedSpans += decodedSpans - entry.spanCount;
    entry.spanCount = decodedSpans;
  }

  /** An entry that cannot be read back (disk corruption) would block the queue forever: log it and move on. */
  private dropCorruptHead(err: unknown): void {
    const head = this.queue.shift();
    if (!head) return;
    this.cursor = { index: 0, partial: undefined };
    this.queuedSpans -= head.spanCount;
    this.log?.error({ err, seq: head.seq, spans: head.spanCount }, 'dropping an unreadable write-ahead log entry');
    void this.markProcessed(head.seq);
  }

  private async markProcessed(seq: number): Promise<void> {
    try {
      await this.wal?.release(seq);
    } catch (err) {
      // Not fatal: the entries are processed; at worst they are replayed (idempotently) after a restart.
      this.log?.warn({ err, seq }, 'could not delete processed write-ahead log segments');
    }
    // Waiters hear about it only after compaction, so "idle" also means the WAL no longer holds this work.
    this.settledSeq = Math.max(this.settledSeq, seq);
    const ready = this.idleWaiters.filter((w) => w.seq <= seq);
    this.idleWaiters = this.idleWaiters.filter((w) => w.seq > seq);
    for (const waiter of ready) waiter.resolve();
  }

  private backlog(): number {
    return this.queuedSpans + this.reservedSpans;
  }

  private measure(spans: number, elapsedMs: number): void {
    const rate = spans / Math.max(elapsedMs / 1000, 0.001);
    this.spansPerSecond = this.spansPerSecond === 0 ? rate : this.spansPerSecond * 0.8 + rate * 0.2;
  }

  /** Roughly how long until the backlog is half empty again at the recent processing rate. */
  private retryAfterSeconds(): number {
    // While `process` keeps failing the rate says nothing; the worker's next retry is the best guess.
    if (this.retryDelayMs !== undefined) return clamp(Math.ceil(this.retryDelayMs / 1000), RETRY_AFTER.min, RETRY_AFTER.max);
    if (this.spansPerSecond === 0) return RETRY_AFTER.unknownRate;
    const excess = this.backlog() - this.options.maxBacklogSpans / 2;
    return clamp(Math.ceil(excess / this.spansPerSecond), RETRY_AFTER.min, RETRY_AFTER.max);
  }

  private closedError(): Error {
    return new Error(`ingest pipeline closed with ${this.backlog()} spans unprocessed; they stay in the write-ahead log and are replayed on next start`);
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** True when the promise settled within the time; never rejects. */
async function withTimeout(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true, () => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
