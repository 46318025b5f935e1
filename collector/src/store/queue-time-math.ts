/**
 * Time-in-queue series: the rules both stores share, so that they answer `queueTimeSeries` alike —
 * which queries are valid, how buckets align, how many series and points one answer may hold.
 */
import type { QueueTimeQuery, QueueTimeSeries } from '../lag/types.js';

/** Most series one answer holds: the busiest (most deliveries) first. */
export const MAX_QUEUE_TIME_SERIES = 200;

/**
 * Most buckets a query may span. A tiny `bucketMs` over a long range would otherwise make an
 * unbounded answer (and, on Elasticsearch, exceed `search.max_buckets`).
 */
export const MAX_QUEUE_TIME_POINTS = 5000;

/** Why a query cannot be answered, or null. `from > to` is not an error: it matches nothing. */
export function invalidQueueTimeQuery(query: QueueTimeQuery): string | null {
  const { from, to, bucketMs } = query;
  if (!Number.isFinite(from) || !Number.isFinite(to)) return `queue-time range must be finite (from=${from}, to=${to})`;
  if (!Number.isFinite(bucketMs) || bucketMs < 1 || !Number.isInteger(bucketMs)) {
    return `queue-time bucket must be a whole number of milliseconds ≥ 1 (got ${bucketMs})`;
  }
  if (to >= from && bucketCount(from, to, bucketMs) > MAX_QUEUE_TIME_POINTS) {
    return `queue-time range ${from}..${to} spans more than ${MAX_QUEUE_TIME_POINTS} buckets of ${bucketMs} ms: use a wider bucket`;
  }
  return null;
}

/** Throws a RangeError for a query `invalidQueueTimeQuery` refuses. */
export function checkQueueTimeQuery(query: QueueTimeQuery): void {
  const problem = invalidQueueTimeQuery(query);
  if (problem !== null) throw new RangeError(problem);
}

/** Start of the bucket holding `at`: a multiple of `bucketMs` since the epoch. */
export function bucketStart(at: number, bucketMs: number): number {
  return Math.floor(at / bucketMs) * bucketMs;
}

function bucketCount(from: number, to: number, bucketMs: number): number {
  return (bucketStart(to, bucketMs) - bucketStart(from, bucketMs)) / bucketMs + 1;
}

/** Series sorted busiest first (then by group and destination), at most MAX_QUEUE_TIME_SERIES. */
export function busiestSeries(series: Array<QueueTimeSeries & { total: number }>): QueueTimeSeries[] {
  return series
    .sort((a, b) => b.total - a.total || compare(a.group, b.group) || compare(a.destination, b.destination))
    .slice(0, MAX_QUEUE_TIME_SERIES)
    .map(({ group, destination, points }) => ({ group, destination, points }));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
