/**
 * Hotspot arithmetic both stores share, so they answer `deadLetterHotspots` identically: the
 * dimension columns, the trend bucket width, ranking, and building a row's series.
 */
import type { DeadLetterRecord, HotspotDimension, HotspotQuery, HotspotRow } from './types.js';

export const HOTSPOT_DIMENSIONS: readonly HotspotDimension[] = ['fingerprint', 'group', 'eventType', 'producerVersion', 'destination', 'service'];

/** Most rows a hotspot query returns. */
export const MAX_HOTSPOT_ROWS = 100;
/** Most trend buckets per row. */
export const MAX_HOTSPOT_BUCKETS = 200;

/** The value a record has for a dimension ('' when absent), as stored in the indexed columns / fields. */
export function dimensionValue(record: DeadLetterRecord, dimension: HotspotDimension): string {
  switch (dimension) {
    case 'fingerprint':
      return record.error.fingerprint;
    case 'group':
      return record.origin.group;
    case 'eventType':
      return record.eventType ?? '';
    case 'producerVersion':
      return record.producer.version ?? '';
    case 'destination':
      return record.origin.destination;
    case 'service':
      return record.origin.service ?? '';
  }
}

/** The chosen dimensions, each once, in the canonical order (so `group,fingerprint` = `fingerprint,group`). */
export function normaliseGroupBy(groupBy: readonly HotspotDimension[]): HotspotDimension[] {
  const chosen = HOTSPOT_DIMENSIONS.filter((dimension) => groupBy.includes(dimension));
  return chosen.length > 0 ? chosen : ['fingerprint'];
}

/**
 * The trend bucket width actually used: the one asked for (whole, ≥ 1 ms), widened when the range
 * would need more than MAX_HOTSPOT_BUCKETS buckets. Buckets are aligned to multiples of the width
 * since the epoch; a range of span S touches at most S / width + 2 buckets.
 */
export function hotspotBucketMs(query: Pick<HotspotQuery, 'from' | 'to' | 'bucketMs'>): number {
  const asked = Number.isFinite(query.bucketMs) ? Math.max(1, Math.floor(query.bucketMs)) : 60_000;
  const span = Math.max(0, query.to - query.from);
  return Math.max(asked, Math.ceil(span / (MAX_HOTSPOT_BUCKETS - 2)));
}

export function bucketStart(t: number, bucketMs: number): number {
  return Math.floor(t / bucketMs) * bucketMs;
}

/** Every bucket from the range's first to its last, counts filled from `counts` (bucket start → count). */
export function fillSeries(from: number, to: number, bucketMs: number, counts: ReadonlyMap<number, number>): Array<{ t: number; count: number }> {
  const series: Array<{ t: number; count: number }> = [];
  if (!(to >= from)) return series;
  for (let t = bucketStart(from, bucketMs); t <= to && series.length < MAX_HOTSPOT_BUCKETS; t += bucketMs) {
    series.push({ t, count: counts.get(t) ?? 0 });
  }
  return series;
}

/** Largest first, then by the key values (so ties rank the same way on both stores). */
export function compareHotspots(a: Pick<HotspotRow, 'count' | 'key'>, b: Pick<HotspotRow, 'count' | 'key'>): number {
  if (a.count !== b.count) return b.count - a.count;
  for (const dimension of HOTSPOT_DIMENSIONS) {
    const x = a.key[dimension] ?? '';
    const y = b.key[dimension] ?? '';
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** True when the query can match nothing (an empty or invalid range). */
export function emptyHotspotRange(query: Pick<HotspotQuery, 'from' | 'to'>): boolean {
  return !Number.isFinite(query.from) || !Number.isFinite(query.to) || query.from > query.to;
}
