/**
 * The Dead letters page's selection, kept in the URL so a copied link shows the same view: the
 * list's filters (`fingerprint`, `group`, `service`, `eventType`, `destination`, `producerVersion`,
 * `reason`), the hotspot grouping (`groupBy=fingerprint,group`), and the trend bucket that suits a
 * time range.
 */
import { deadLetterReasonSchema, hotspotDimensionSchema, type DeadLetterFilter, type HotspotDimension } from '../api/schemas';

/** Filter parameters in the order they are shown and written. */
export const FILTER_KEYS = ['fingerprint', 'group', 'service', 'eventType', 'destination', 'producerVersion', 'reason'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

/** The collector refuses longer filter values (400); a longer value in a pasted URL is dropped. */
const MAX_FILTER_LENGTH = 512;

export const HOTSPOT_DIMENSIONS: readonly HotspotDimension[] = hotspotDimensionSchema.options;

export const DEFAULT_GROUP_BY: readonly HotspotDimension[] = ['fingerprint', 'group'];

/** Words for a dimension, as column headers and in the group-by selector. */
export const DIMENSION_LABELS: Readonly<Record<HotspotDimension, string>> = {
  fingerprint: 'Error fingerprint',
  group: 'Consumer group',
  eventType: 'Event type',
  producerVersion: 'Producer version',
  destination: 'Origin topic / queue',
  service: 'Consuming service',
};

export const FILTER_LABELS: Readonly<Record<FilterKey, string>> = { ...DIMENSION_LABELS, reason: 'Reason' };

const isDimension = (value: string): value is HotspotDimension => (HOTSPOT_DIMENSIONS as readonly string[]).includes(value);

/**
 * `groupBy=a,b` → the known dimensions, each once, in the canonical order (so `group,fingerprint`
 * and `fingerprint,group` are the same grouping and the same cache key); the default when nothing
 * valid is left.
 */
export function parseGroupBy(value: string | null): HotspotDimension[] {
  const asked = new Set((value ?? '').split(',').map((part) => part.trim()));
  const dimensions = HOTSPOT_DIMENSIONS.filter((dimension) => asked.has(dimension));
  return dimensions.length > 0 ? dimensions : [...DEFAULT_GROUP_BY];
}

/** A copy of `params` with the grouping written in (left out when it is the default). */
export function withGroupBy(params: URLSearchParams, dimensions: readonly HotspotDimension[]): URLSearchParams {
  const next = new URLSearchParams(params);
  const canonical = parseGroupBy(dimensions.join(','));
  if (canonical.join(',') === DEFAULT_GROUP_BY.join(',')) next.delete('groupBy');
  else next.set('groupBy', canonical.join(','));
  return next;
}

function cleanValue(value: string | null | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed && trimmed.length <= MAX_FILTER_LENGTH ? trimmed : undefined;
}

/** The list's filter from the URL; unknown reasons and empty or over-long values are ignored. */
export function parseFilter(params: URLSearchParams): DeadLetterFilter {
  const filter: DeadLetterFilter = {};
  for (const key of FILTER_KEYS) {
    const value = cleanValue(params.get(key));
    if (value === undefined) continue;
    if (key === 'reason') {
      const reason = deadLetterReasonSchema.safeParse(value);
      if (reason.success) filter.reason = reason.data;
    } else {
      filter[key] = value;
    }
  }
  return filter;
}

/** A copy of `params` whose filter parameters are exactly `filter` (others are kept). */
export function withFilter(params: URLSearchParams, filter: DeadLetterFilter): URLSearchParams {
  const next = new URLSearchParams(params);
  for (const key of FILTER_KEYS) {
    const value = cleanValue(filter[key]);
    if (value === undefined) next.delete(key);
    else next.set(key, value);
  }
  return next;
}

export const isEmptyFilter = (filter: DeadLetterFilter) => FILTER_KEYS.every((key) => filter[key] === undefined);

export function sameFilter(a: DeadLetterFilter, b: DeadLetterFilter): boolean {
  return FILTER_KEYS.every((key) => (a[key] ?? '') === (b[key] ?? ''));
}

/**
 * The list filter that shows a hotspot row's dead letters: each grouped dimension's value.
 * A dimension the records lack ('') cannot be filtered on, so it is left open.
 */
export function filterForHotspotKey(key: Readonly<Record<string, string>>): DeadLetterFilter {
  const filter: DeadLetterFilter = {};
  for (const dimension of HOTSPOT_DIMENSIONS) {
    const value = cleanValue(key[dimension]);
    if (value !== undefined) filter[dimension] = value;
  }
  return filter;
}

/** The filter in words, e.g. "Consumer group billing, Reason expired", or null when empty. */
export function describeFilter(filter: DeadLetterFilter): string | null {
  const parts = FILTER_KEYS.filter((key) => filter[key] !== undefined).map((key) => `${FILTER_LABELS[key]} ${filter[key]}`);
  return parts.length > 0 ? parts.join(', ') : null;
}

const BUCKETS: readonly { id: string; ms: number }[] = [
  { id: '10s', ms: 10_000 },
  { id: '30s', ms: 30_000 },
  { id: '1m', ms: 60_000 },
  { id: '2m', ms: 2 * 60_000 },
  { id: '5m', ms: 5 * 60_000 },
  { id: '10m', ms: 10 * 60_000 },
  { id: '15m', ms: 15 * 60_000 },
  { id: '30m', ms: 30 * 60_000 },
  { id: '1h', ms: 60 * 60_000 },
  { id: '3h', ms: 3 * 60 * 60_000 },
  { id: '6h', ms: 6 * 60 * 60_000 },
  { id: '12h', ms: 12 * 60 * 60_000 },
  { id: '1d', ms: 24 * 60 * 60_000 },
];

/** Enough points for a trend line to show a shape, few enough for a 120 px sparkline. */
const TARGET_BUCKETS = 48;

/**
 * The trend bucket for a range of `rangeMs`: the smallest round duration giving at most about 48
 * buckets (15 min → 30s, 1 h → 2m, 24 h → 30m); whole days beyond that, so a long custom range
 * stays under the collector's 200 buckets per row.
 */
export function bucketForRange(rangeMs: number): string {
  const wanted = Math.max(1, rangeMs) / TARGET_BUCKETS;
  const bucket = BUCKETS.find((candidate) => candidate.ms >= wanted);
  return bucket ? bucket.id : `${Math.ceil(wanted / 86_400_000)}d`;
}
