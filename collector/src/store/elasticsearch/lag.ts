/**
 * Lag samples over Elasticsearch: daily indices per resolution (see `IndexNames.lagDaily`), `_id`
 * = the sample id, bulk writes without refresh (the API tolerates the near-real-time delay).
 * Reads page with `search_after` on the full sort order, so any limit up to MAX_LAG_SAMPLE_LIMIT
 * is served whatever `index.max_result_window` is. Retention deletes whole daily indices by exact
 * name: wildcard deletes are refused on clusters with `action.destructive_requires_name`.
 */
import type { Client, estypes } from '@elastic/elasticsearch';
import { lagSampleId, type LagSample, type LagSampleQuery } from '../../lag/types.js';
import { clampLimit, MAX_LAG_SAMPLE_LIMIT } from '../limits.js';
import { writeBulk, type BulkOperation, type BulkOptions } from './bulk.js';
import { docId, type IndexNames } from './index-names.js';
import { timeRange } from './time-range.js';

interface LagSampleDoc extends LagSample {
  docRef: string;
}

/** Hits per page, below the default `index.max_result_window` (10,000). */
const PAGE_SIZE = 5000;
const DAY_MS = 86_400_000;
/** Index names per delete request: keeps the URL short. */
const DELETE_BATCH = 50;

const SORT: estypes.SortCombinations[] = [
  { at: 'asc' },
  { cluster: 'asc' },
  { group: 'asc' },
  { destination: 'asc' },
  { partition: 'asc' },
  // Unique: a total order, so search_after never skips or repeats a sample.
  { docRef: 'asc' },
];

export async function putLagSamples(client: Client, names: IndexNames, samples: LagSample[], options: BulkOptions): Promise<void> {
  if (samples.length === 0) return;
  // One operation per id (the last copy wins): concurrent bulk requests could apply two in either order.
  const latest = new Map(samples.map((sample) => [docId(lagSampleId(sample)), sample]));
  function* operations(): Generator<BulkOperation> {
    for (const [id, sample] of latest) {
      const document: LagSampleDoc = { ...sample, docRef: id };
      yield { index: names.lagDaily(sample.resolutionMs, sample.at), id, document };
    }
  }
  await writeBulk(client, operations(), options);
}

export async function getLagSamples(client: Client, names: IndexNames, query: LagSampleQuery): Promise<LagSample[]> {
  const limit = clampLimit(query.limit, MAX_LAG_SAMPLE_LIMIT);
  const range = timeRange('at', query.from, query.to);
  if (limit === 0 || range === null || !isResolution(query.resolutionMs)) return [];
  const filter: estypes.QueryDslQueryContainer[] = [range, { term: { resolutionMs: query.resolutionMs } }];
  if (query.cluster !== undefined) filter.push({ term: { cluster: query.cluster } });
  if (query.group !== undefined) filter.push({ term: { group: query.group } });
  if (query.destination !== undefined) filter.push({ term: { destination: query.destination } });
  const samples: LagSample[] = [];
  let after: estypes.SortResults | undefined;
  while (samples.length < limit) {
    const response = await client.search<LagSampleDoc>({
      index: names.lagPattern(query.resolutionMs),
      query: { bool: { filter } },
      sort: SORT,
      size: Math.min(PAGE_SIZE, limit - samples.length),
      track_total_hits: false,
      ignore_unavailable: true,
      allow_no_indices: true,
      ...(after ? { search_after: after } : {}),
    });
    const hits = response.hits.hits;
    for (const hit of hits) if (hit._source) samples.push(docToSample(hit._source));
    const last = hits[hits.length - 1];
    if (hits.length === 0 || !last?.sort) break;
    after = last.sort;
  }
  return samples;
}

export async function deleteLagSamples(client: Client, names: IndexNames, query: { resolutionMs: number; before: number }): Promise<void> {
  if (Number.isNaN(query.before) || !isResolution(query.resolutionMs)) return;
  const listed = (await client.cat.indices({
    index: names.lagPattern(query.resolutionMs),
    format: 'json',
    h: 'index',
    expand_wildcards: 'all',
  })) as Array<{ index?: string }>;
  // A daily index goes once its whole day is older than `before`; the day holding `before` stays.
  const expired = listed.flatMap(({ index }) => {
    const day = index === undefined ? undefined : names.lagIndexDay(query.resolutionMs, index);
    return index !== undefined && day !== undefined && day + DAY_MS <= query.before ? [index] : [];
  });
  for (let i = 0; i < expired.length; i += DELETE_BATCH) {
    await client.indices.delete({ index: expired.slice(i, i + DELETE_BATCH), ignore_unavailable: true });
  }
}

/** A resolution an index can be named after (a sample with another one cannot be stored, so none is found). */
function isResolution(resolutionMs: number): boolean {
  return Number.isSafeInteger(resolutionMs) && resolutionMs >= 0;
}

function docToSample(doc: LagSampleDoc): LagSample {
  const { docRef: _docRef, ...sample } = doc;
  return sample;
}
