/** Public types of the ingest pipeline. */
import type { SpanRecord } from '../model/span.js';

/** Pino-compatible logger subset (Fastify's `app.log` fits). */
export interface IngestLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface IngestPipelineOptions {
  /** Directory of the write-ahead log (created if missing; one pipeline per directory). */
  walDir: string;
  /**
   * Consumes a batch; must be idempotent. Up to `batchesInFlight` calls overlap, in queue order; a
   * batch counts as processed only once its call and every earlier one resolved.
   */
  process: (spans: SpanRecord[]) => Promise<void>;
  /** `submit` refuses (with a retry-after) while this many spans wait to be processed. Default 200 000. */
  maxBacklogSpans?: number;
  /** Most spans handed to one `process` call. Default 5000. */
  maxBatchSpans?: number;
  /**
   * Batches handed to `process` before the oldest has finished. Default 2: `process` may then be
   * called again before an earlier call resolved, and must cope (the correlator serializes its
   * own stages); batches still complete, and the log is released, strictly in order.
   */
  batchesInFlight?: number;
  log?: IngestLogger;
  /** How long `close()` waits for the backlog to drain before leaving the rest in the WAL. Default 10 s. */
  drainTimeoutMs?: number;
  /** Backoff after a failed `process` call: first delay, doubling up to the max. Defaults 200 ms and 30 s. */
  retryInitialDelayMs?: number;
  retryMaxDelayMs?: number;
  /** WAL segment size before a new one is started. Default 16 MiB. */
  maxSegmentBytes?: number;
}

export type SubmitResult = { accepted: true } | { accepted: false; retryAfterSeconds: number };

export interface IngestStats {
  /** Spans accepted (or being appended) and not yet processed. */
  backlogSpans: number;
  /** Spans processed since start (replayed ones included). */
  processedSpans: number;
  /** `process` calls that threw since start. */
  failedAttempts: number;
  /** Size of the write-ahead log on disk. */
  walBytes: number;
}
