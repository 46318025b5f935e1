/**
 * Time in queue over Elasticsearch, with core aggregations only (no scripts):
 *
 * 1. a `composite` aggregation over (group, destination), paged, counts every series exactly, so
 *    the busiest 200 are the true busiest (nested `terms` would pick groups, not pairs);
 * 2. for those series, in requests sized to stay far below `search.max_buckets`, a `filters`
 *    aggregation (one filter per series) × `date_histogram` (fixed interval = bucket, aligned to
 *    the epoch) × `percentiles` (50, 95) and `max` of `queueMs`.
 *
 * Percentiles are t-digest estimates (interpolated; SQLite reports nearest-rank values): for a
 * bucket of distinct values they may differ by up to the gap between neighbouring values.
 * A missing group or destination counts as ''.
 */
import type { Client, estypes } from '@elastic/elasticsearch';
import type { QueueTimePoint, QueueTimeQuery, QueueTimeSeries } from '../../lag/types.js';
import { bucketStart, busiestSeries, checkQueueTimeQuery, MAX_QUEUE_TIME_SERIES } from '../queue-time-math.js';
import type { IndexNames } from './index-names.js';
import { timeRange } from './time-range.js';
import { compositePages } from './composite.js';

/** Composite buckets per page. */
const PAGE_SIZE = 1000;
/** Histogram buckets per request, well below the default `search.max_buckets` (65,536). */
const BUCKETS_PER_REQUEST = 20_000;

interface SeriesCount {
  group: string;
  destination: string;
  total: number;
}

interface CompositeBucket {
  key: { group: string | null; destination: string | null };
  doc_count: number;
}

interface HistogramBucket {
  key: number;
  doc_count: number;
  q: { values: Array<{ key: number; value: number | null }> };
  max: { value: number | null };
}

export async function esQueueTimeSeries(client: Client, names: IndexNames, query: QueueTimeQuery): Promise<QueueTimeSeries[]> {
  checkQueueTimeQuery(query);
  const range = timeRange('receivedAt', query.from, query.to);
  if (range === null) return [];
  const filter: estypes.QueryDslQueryContainer[] = [range, { exists: { field: 'queueMs' } }];
  if (query.group !== undefined) filter.push(nameIs('group', query.group));
  if (query.destination !== undefined) filter.push(nameIs('destination', query.destination));
  const base: estypes.QueryDslQueryContainer = { bool: { filter } };
  const index = names.pattern('deliveries');

  const chosen = await busiestPairs(client, index, base);
  // Each series needs at most one bucket per interval of the range, and never more than its deliveries.
  const intervals = (bucketStart(query.to, query.bucketMs) - bucketStart(query.from, query.bucketMs)) / query.bucketMs + 1;
  const result: Array<QueueTimeSeries & { total: number }> = [];
  for (const batch of batches(chosen, (series) => Math.min(intervals, series.total))) {
    const filters = Object.fromEntries(batch.map((series, i) => [`s${i}`, pairIs(series)]));
    const response = await client.search({
      index,
      size: 0,
      track_total_hits: false,
      ignore_unavailable: true,
      allow_no_indices: true,
      query: base,
      aggs: {
        series: {
          filters: { filters },
          aggs: {
            time: {
              date_histogram: { field: 'receivedAt', fixed_interval: `${query.bucketMs}ms`, min_doc_count: 1 },
              aggs: {
                q: { percentiles: { field: 'queueMs', percents: [50, 95], keyed: false } },
                max: { max: { field: 'queueMs' } },
              },
            },
          },
        },
      },
    });
    const buckets = (response.aggregations?.series as { buckets?: Record<string, { time: { buckets: HistogramBucket[] } }> } | undefined)?.buckets ?? {};
    batch.forEach((series, i) => {
      const points = (buckets[`s${i}`]?.time.buckets ?? []).map(toPoint).sort((a, b) => a.at - b.at);
      result.push({ group: series.group, destination: series.destination, total: series.total, points });
    });
  }
  return busiestSeries(result);
}

/** Every (group, destination) with its count, keeping the busiest MAX_QUEUE_TIME_SERIES. */
async function busiestPairs(client: Client, index: string, query: estypes.QueryDslQueryContainer): Promise<SeriesCount[]> {
  let top: SeriesCount[] = [];
  const pages = compositePages<CompositeBucket>(client, {
    index,
    query,
    pageSize: PAGE_SIZE,
    sources: [{ group: { terms: { field: 'group', missing_bucket: true } } }, { destination: { terms: { field: 'destination', missing_bucket: true } } }],
  });
  for await (const page of pages) {
    for (const bucket of page) {
      // A missing name and '' are the same series, as in SQLite.
      const group = bucket.key.group ?? '';
      const destination = bucket.key.destination ?? '';
      const same = top.find((entry) => entry.group === group && entry.destination === destination);
      if (same) same.total += bucket.doc_count;
      else top.push({ group, destination, total: bucket.doc_count });
    }
    // Bounded memory however many series exist: prune to the busiest whenever the list doubles.
    if (top.length > 2 * MAX_QUEUE_TIME_SERIES) top = busiest(top);
  }
  return busiest(top);
}

function busiest(series: SeriesCount[]): SeriesCount[] {
  return series
    .sort((a, b) => b.total - a.total || (a.group < b.group ? -1 : a.group > b.group ? 1 : 0) || (a.destination < b.destination ? -1 : a.destination > b.destination ? 1 : 0))
    .slice(0, MAX_QUEUE_TIME_SERIES);
}

/** Splits series into requests of at most BUCKETS_PER_REQUEST expected buckets (a series alone may exceed it). */
function* batches(series: SeriesCount[], buckets: (series: SeriesCount) => number): Generator<SeriesCount[]> {
  let batch: SeriesCount[] = [];
  let size = 0;
  for (const entry of series) {
    const cost = buckets(entry) + 1;
    if (batch.length > 0 && size + cost > BUCKETS_PER_REQUEST) {
      yield batch;
      batch = [];
      size = 0;
    }
    batch.push(entry);
    size += cost;
  }
  if (batch.length > 0) yield batch;
}

/** The field equals `name`; for '' also a record without the field. */
function nameIs(field: string, name: string): estypes.QueryDslQueryContainer {
  if (name !== '') return { term: { [field]: name } };
  return { bool: { should: [{ term: { [field]: '' } }, { bool: { must_not: { exists: { field } } } }], minimum_should_match: 1 } };
}

function pairIs(series: SeriesCount): estypes.QueryDslQueryContainer {
  return { bool: { filter: [nameIs('group', series.group), nameIs('destination', series.destination)] } };
}

function toPoint(bucket: HistogramBucket): QueueTimePoint {
  const at = (p: number): number => bucket.q.values.find((entry) => entry.key === p)?.value ?? 0;
  return { at: bucket.key, count: bucket.doc_count, p50Ms: at(50), p95Ms: at(95), maxMs: bucket.max.value ?? 0 };
}
