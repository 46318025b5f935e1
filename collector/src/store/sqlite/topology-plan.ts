/**
 * Pure parts of the rolled-up topology: which buckets of which level answer a time range, and how
 * a percentile is read from a latency histogram. See topology-rollup-sql.ts for the rollup itself.
 */
import { nearestRank } from '../topology-math.js';

/** Half-open range of bucket starts `[from, to)` read at one level; `from = to` reads nothing. */
export interface SlotRange {
  from: number;
  to: number;
}

/**
 * How one `[from, to]` (inclusive) range is answered: `slots[2i]` and `slots[2i + 1]` are the
 * bucket starts read at `levels[i]` (left and right of the coarser part), and the records whose
 * time is in `[rawLeft.from, rawLeft.to)` or `[rawRight.from, rawRight.to]` are read raw. Every time
 * in the range is counted exactly once, and nothing outside it.
 */
export interface RangePlan {
  slots: SlotRange[];
  rawLeft: { from: number; to: number };
  rawRight: { from: number; to: number };
}

const EMPTY: SlotRange = { from: 0, to: 0 };

/** Smallest multiple of `size` ≥ `time` (guarded against division rounding). */
function alignUp(time: number, size: number): number {
  const aligned = Math.ceil(time / size) * size;
  return aligned < time ? aligned + size : aligned;
}

/** Largest multiple of `size` ≤ `time`. */
function alignDown(time: number, size: number): number {
  const aligned = Math.floor(time / size) * size;
  return aligned > time ? aligned - size : aligned;
}

/** `completeUntil` of a level that always holds every record (the finest). */
export const UNBOUNDED = 8.64e15;

/**
 * Splits `[from, to]` into whole buckets (coarsest first, finer towards the edges) and raw edges.
 * `levels` are bucket sizes, finest first, each dividing the next. Rollups hold times ≥ 0 only.
 * `completeUntil[i]` (a multiple of `levels[i]`, not decreasing towards finer levels): level i holds
 * the buckets that start before it, and only those; buckets past it are read from finer levels.
 */
export function planRange(from: number, to: number, levels: readonly number[], completeUntil: readonly number[] = []): RangePlan {
  const slots: SlotRange[] = levels.flatMap(() => [EMPTY, EMPTY]);
  const nothing: RangePlan = { slots, rawLeft: { from: 0, to: 0 }, rawRight: { from: 1, to: 0 } };
  if (!(from <= to)) return nothing;
  const start = Math.max(from, 0);
  let covered: { lo: number; hi: number } | undefined;
  for (let i = levels.length - 1; i >= 0; i -= 1) {
    const size = levels[i] as number;
    const lo = alignUp(start, size);
    const hi = alignDown(Math.min(to, completeUntil[i] ?? UNBOUNDED), size);
    if (covered) {
      // Finer buckets between the range's edges and what the coarser levels cover.
      if (lo < covered.lo) slots[2 * i] = { from: lo, to: covered.lo };
      if (hi > covered.hi) slots[2 * i + 1] = { from: covered.hi, to: hi };
      covered = { lo: Math.min(lo, covered.lo), hi: Math.max(hi, covered.hi) };
    } else if (lo < hi) {
      slots[2 * i] = { from: lo, to: hi };
      covered = { lo, hi };
    }
  }
  if (!covered) return { ...nothing, rawRight: { from, to } };
  return { slots, rawLeft: { from, to: covered.lo }, rawRight: { from: covered.hi, to } };
}

/** One latency bucket of a histogram: how many latencies it holds and their sum in µs. */
export interface HistogramBucket {
  count: number;
  sumUs: number;
}

/**
 * The nearest-rank percentile `p` of a histogram whose buckets are in ascending latency order,
 * read as the mean latency of the bucket holding that rank (ms).
 */
export function histogramPercentile(buckets: readonly HistogramBucket[], total: number, p: number): number {
  const rank = nearestRank(p, total);
  let seen = 0;
  for (const bucket of buckets) {
    seen += bucket.count;
    if (seen >= rank && bucket.count > 0) return bucket.sumUs / bucket.count / 1000;
  }
  return 0;
}

/**
 * Where each level is to be complete at `now`: the finest always (`UNBOUNDED`), each coarser one up
 * to the last bucket boundary at or before `now - delayMs`, and never past the level finer than it
 * (which it is compacted from). A level stays behind `now` so that records arriving in time take the
 * cheap path, into the finest level only (topology-rollup-sql.ts).
 */
export function completeUntilAt(now: number, levels: readonly number[], delayMs: number): number[] {
  let bound = Math.max(0, now - delayMs);
  return levels.map((size, i) => {
    if (i === 0) return UNBOUNDED;
    bound = alignDown(bound, size);
    return bound;
  });
}
