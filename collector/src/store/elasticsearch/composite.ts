/**
 * Paging through a `composite` aggregation with `after_key`: every bucket exactly once, whatever the
 * number of groups, in pages the cluster's `search.max_buckets` allows. Shared by topology, time in
 * queue and dead-letter hotspots.
 */
import type { Client, estypes } from '@elastic/elasticsearch';

export interface CompositeRequest {
  index: string;
  query: estypes.QueryDslQueryContainer;
  sources: Array<Record<string, estypes.AggregationsCompositeAggregationSource>>;
  /** Sub-aggregations computed per bucket. */
  aggs?: Record<string, estypes.AggregationsAggregationContainer>;
  pageSize: number;
  /** Stop after this many pages (callers that keep only a top-N may bound their work). */
  maxPages?: number;
}

/** Yields the buckets of each page in turn. */
export async function* compositePages<B>(client: Client, request: CompositeRequest): AsyncGenerator<B[]> {
  let after: estypes.AggregationsCompositeAggregateKey | undefined;
  for (let page = 0; page < (request.maxPages ?? Number.POSITIVE_INFINITY); page += 1) {
    const response = await client.search({
      index: request.index,
      size: 0,
      track_total_hits: false,
      ignore_unavailable: true,
      allow_no_indices: true,
      query: request.query,
      aggs: {
        groups: {
          composite: { size: request.pageSize, sources: request.sources, ...(after ? { after } : {}) },
          ...(request.aggs ? { aggs: request.aggs } : {}),
        },
      },
    });
    const aggregate = response.aggregations?.groups as { buckets: B[]; after_key?: estypes.AggregationsCompositeAggregateKey } | undefined;
    const buckets = aggregate?.buckets ?? [];
    yield buckets;
    if (buckets.length < request.pageSize || !aggregate?.after_key) return;
    after = aggregate.after_key;
  }
}
