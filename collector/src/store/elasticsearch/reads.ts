/**
 * Reads that must return every match, however many: paged with `search_after` on `docRef` (unique
 * per record, unlike `_id` sortable) and then `_index` (a record rewritten under a changed time
 * can briefly exist in two daily indices; see `ElasticsearchStore.putDerived`). Copies of one
 * record are collapsed to one in the result.
 */
import type { Client, estypes } from '@elastic/elasticsearch';

/** Hits per page; far below `index.max_result_window`. */
const PAGE_SIZE = 2000;
/** Terms per query, below the default `index.max_terms_count` (65,536) with room to spare. */
export const TERMS_PER_QUERY = 10_000;

export async function searchAll<T extends { docRef: string }>(
  client: Client,
  index: string,
  query: estypes.QueryDslQueryContainer,
  /** Source fields to return (`docRef` is always added); all when omitted. */
  fields?: string[],
): Promise<T[]> {
  const byRef = new Map<string, T>();
  let after: estypes.SortResults | undefined;
  for (;;) {
    const response = await client.search<T>({
      index,
      query,
      size: PAGE_SIZE,
      sort: [{ docRef: 'asc' }, { _index: 'asc' }],
      // Counting total hits is wasted work for a paged read.
      track_total_hits: false,
      ignore_unavailable: true,
      allow_no_indices: true,
      ...(fields ? { _source: { includes: ['docRef', ...fields] } } : {}),
      ...(after ? { search_after: after } : {}),
    });
    const hits = response.hits.hits;
    for (const hit of hits) if (hit._source) byRef.set(hit._source.docRef, hit._source);
    const last = hits[hits.length - 1];
    if (hits.length < PAGE_SIZE || !last?.sort) break;
    after = last.sort;
  }
  return [...byRef.values()];
}

/** Runs `read` over `values` in slices of TERMS_PER_QUERY and concatenates the results. */
export async function inSlices<V, T>(values: V[], read: (slice: V[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < values.length; i += TERMS_PER_QUERY) out.push(...(await read(values.slice(i, i + TERMS_PER_QUERY))));
  return out;
}
