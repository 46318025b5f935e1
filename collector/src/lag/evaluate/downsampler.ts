/**
 * Rolls raw lag samples up into fixed buckets for long-term storage. A bucket [start, start +
 * bucketMs) of one partition becomes one sample with `at` = start and `resolutionMs` = bucketMs:
 * lag and lagSeconds are the bucket's maxima (a spike must survive downsampling), the status is the
 * worst, drainSeconds and the counters (position, logStart, logEnd, ready, unacked, members,
 * noCommit) are the latest sample's.
 *
 * A bucket is handed out once, by the first `flush(now)` with bucket end ≤ now. Samples for a bucket
 * that was already flushed arrive too late and are dropped (re-emitting would overwrite the stored
 * roll-up with a partial one). Memory: open buckets only, capped at `maxOpenBuckets`; past the cap
 * new buckets are dropped and counted in `droppedSamples` rather than growing without limit.
 */
import { STATUS_SEVERITY, type LagSample } from '../types.js';

export interface LagDownsamplerOptions {
  /** Open (not yet flushed) buckets kept at most; default 500,000 (one poll of 40,000 partitions needs 40,000). */
  maxOpenBuckets?: number;
}

interface Bucket {
  sample: LagSample;
  /** `at` of the latest raw sample folded in. */
  latestAt: number;
}

/** Open buckets of one partition: almost always one, two around a bucket boundary. */
type SeriesBuckets = Map<number, Bucket[]>;

export class LagDownsampler {
  private readonly bucketMs: number;
  private readonly maxOpenBuckets: number;
  /** cluster, group, destination → partition → open buckets (keyed once per run of samples). */
  private readonly series = new Map<string, SeriesBuckets>();
  private open = 0;
  /** Buckets starting before this have been flushed. */
  private flushedBefore = Number.NEGATIVE_INFINITY;
  /** Samples dropped: late for a flushed bucket, or over the open-bucket cap. */
  droppedSamples = 0;

  constructor(bucketMs: number, options: LagDownsamplerOptions = {}) {
    if (!Number.isFinite(bucketMs) || bucketMs <= 0) throw new RangeError(`bucketMs must be a positive number of milliseconds, got ${bucketMs}`);
    this.bucketMs = Math.floor(bucketMs);
    this.maxOpenBuckets = Math.max(1, options.maxOpenBuckets ?? 500_000);
  }

  /** Buckets not flushed yet. */
  get openBuckets(): number {
    return this.open;
  }

  add(samples: LagSample[]): void {
    // The evaluator emits a group's partitions together: reuse the series map while the names repeat.
    let previous: LagSample | undefined;
    let partitions: SeriesBuckets | undefined;
    for (const raw of samples) {
      if (!raw || !Number.isFinite(raw.at)) continue;
      const start = Math.floor(raw.at / this.bucketMs) * this.bucketMs;
      if (start < this.flushedBefore) {
        this.droppedSamples += 1;
        continue;
      }
      if (!previous || !partitions || previous.cluster !== raw.cluster || previous.group !== raw.group || previous.destination !== raw.destination) {
        const key = `${raw.cluster}\u0000${raw.group}\u0000${raw.destination}`;
        partitions = this.series.get(key);
        if (!partitions) {
          partitions = new Map();
          this.series.set(key, partitions);
        }
      }
      previous = raw;
      let buckets = partitions.get(raw.partition);
      const bucket = buckets?.find((b) => b.sample.at === start);
      if (bucket) {
        merge(bucket, raw);
        continue;
      }
      if (this.open >= this.maxOpenBuckets) {
        this.droppedSamples += 1;
        continue;
      }
      if (!buckets) {
        buckets = [];
        partitions.set(raw.partition, buckets);
      }
      buckets.push({ sample: rollupOf(raw, start, this.bucketMs), latestAt: raw.at });
      this.open += 1;
    }
  }

  /** Closed buckets (bucket end ≤ now), oldest first; they leave the downsampler. */
  flush(now: number): LagSample[] {
    const closed: LagSample[] = [];
    if (!Number.isFinite(now)) return closed;
    for (const [key, partitions] of this.series) {
      for (const [partition, buckets] of partitions) {
        let kept = 0;
        for (const bucket of buckets) {
          if (bucket.sample.at + this.bucketMs <= now) closed.push(bucket.sample);
          else buckets[kept++] = bucket;
        }
        this.open -= buckets.length - kept;
        buckets.length = kept;
        if (kept === 0) partitions.delete(partition);
      }
      if (partitions.size === 0) this.series.delete(key);
    }
    this.flushedBefore = Math.max(this.flushedBefore, Math.floor(now / this.bucketMs) * this.bucketMs);
    closed.sort((a, b) => a.at - b.at);
    return closed;
  }
}

/** The first sample of a bucket, copied field by field (one object shape for every roll-up). */
function rollupOf(raw: LagSample, at: number, resolutionMs: number): LagSample {
  const rollup: LagSample = {
    at,
    resolutionMs,
    system: raw.system,
    cluster: raw.cluster,
    group: raw.group,
    destination: raw.destination,
    partition: raw.partition,
    lag: raw.lag,
    members: raw.members,
    status: raw.status,
  };
  if (raw.lagSeconds !== undefined) rollup.lagSeconds = raw.lagSeconds;
  for (const field of LATEST_FIELDS) {
    if (raw[field] !== undefined) (rollup as unknown as Record<string, unknown>)[field] = raw[field];
  }
  return rollup;
}

function merge(bucket: Bucket, raw: LagSample): void {
  const target = bucket.sample;
  target.lag = Math.max(target.lag, raw.lag);
  if (raw.lagSeconds !== undefined) target.lagSeconds = Math.max(target.lagSeconds ?? 0, raw.lagSeconds);
  if (STATUS_SEVERITY[raw.status] > STATUS_SEVERITY[target.status]) target.status = raw.status;
  if (raw.at < bucket.latestAt) return;
  bucket.latestAt = raw.at;
  target.system = raw.system;
  target.members = raw.members;
  for (const field of LATEST_FIELDS) {
    if (raw[field] === undefined) delete target[field];
    else (target as unknown as Record<string, unknown>)[field] = raw[field];
  }
}

/** Optional fields a roll-up takes from its latest raw sample (absent there → absent here). */
const LATEST_FIELDS = ['drainSeconds', 'position', 'logStart', 'logEnd', 'ready', 'unacked', 'noCommit'] as const;
