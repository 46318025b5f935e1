/**
 * Topology over Elasticsearch: a composite aggregation per side (paged with `after_key`, so any
 * number of groups comes back), each bucket with a filter for errors and a `percentiles` of the
 * latency. Composite, terms, filter and percentiles are all core aggregations.
 *
 * Percentiles are Elasticsearch's t-digest estimates: exact for a group whose latencies are all
 * equal, otherwise interpolated between neighbouring values (SQLite reports nearest-rank values).
 * For small groups the two differ by at most the gap between neighbouring latencies.
 */
import type { Client, estypes } from '@elastic/elasticsearch';
import { compositePages } from './composite.js';
import type { ConsumerEdgeRow, ProducerEdgeRow } from '../store.js';
import { ERROR_OUTCOMES } from '../topology-math.js';
import type { IndexNames } from './index-names.js';
import { timeRange } from './time-range.js';

/** Buckets per composite page. */
const PAGE_SIZE = 1000;

interface Bucket {
  key: Record<string, string | null>;
  doc_count: number;
  errors: { doc_count: number };
  latency: { values: Array<{ key: number; value: number | null }> };
}

type CompositeSource = Record<string, estypes.AggregationsCompositeAggregationSource>;

const keywordSource = (field: string): CompositeSource => ({
  // missing_bucket: a record without the field (or with a name too long to index) still counts.
  [field]: { terms: { field, missing_bucket: true } },
});

export async function esTopology(
  client: Client,
  names: IndexNames,
  range: { from: number; to: number },
): Promise<{ producers: ProducerEdgeRow[]; consumers: ConsumerEdgeRow[] }> {
  const [producerBuckets, consumerBuckets] = await Promise.all([
    groups(client, names.pattern('events'), timeRange('publishedAt', range.from, range.to), {
      sources: [keywordSource('producerService'), keywordSource('destination')],
      errors: { term: { sendError: true } },
      latencyField: 'sendDurationMs',
    }),
    groups(client, names.pattern('deliveries'), timeRange('receivedAt', range.from, range.to), {
      sources: [keywordSource('destination'), keywordSource('service'), keywordSource('group')],
      errors: { terms: { outcome: [...ERROR_OUTCOMES] } },
      latencyField: 'latencyMs',
    }),
  ]);
  const producers = producerBuckets.map((bucket): ProducerEdgeRow => ({
    service: bucket.key.producerService ?? '',
    destination: bucket.key.destination ?? '',
    count: bucket.doc_count,
    errors: bucket.errors.doc_count,
    ...percentiles(bucket),
  }));
  const consumers = consumerBuckets.map((bucket): ConsumerEdgeRow => {
    const row: ConsumerEdgeRow = {
      destination: bucket.key.destination ?? '',
      service: bucket.key.service ?? '',
      count: bucket.doc_count,
      errors: bucket.errors.doc_count,
      ...percentiles(bucket),
    };
    const group = bucket.key.group;
    if (group !== null && group !== undefined) row.group = group;
    return row;
  });
  return { producers, consumers };
}

function percentiles(bucket: Bucket): { p50Ms: number; p99Ms: number } {
  const at = (p: number): number => bucket.latency.values.find((entry) => entry.key === p)?.value ?? 0;
  return { p50Ms: at(50), p99Ms: at(99) };
}

async function groups(
  client: Client,
  index: string,
  query: estypes.QueryDslQueryContainer | null,
  spec: {
    sources: CompositeSource[];
    errors: estypes.QueryDslQueryContainer;
    latencyField: string;
  },
): Promise<Bucket[]> {
  if (query === null) return [];
  const buckets: Bucket[] = [];
  const pages = compositePages<Bucket>(client, {
    index,
    query,
    sources: spec.sources,
    pageSize: PAGE_SIZE,
    aggs: {
      errors: { filter: spec.errors },
      latency: { percentiles: { field: spec.latencyField, percents: [50, 99], keyed: false } },
    },
  });
  for await (const page of pages) buckets.push(...page);
  return buckets;
}
