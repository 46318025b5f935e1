/**
 * Dead-letter records and the redrive audit log over Elasticsearch, one index each (a record's id
 * fixes its document whatever its times, so a rewrite never leaves a stale copy elsewhere).
 * Dead letters follow the events' visibility (no refresh); `getDeadLetters` uses `mget`, which is
 * real-time, so the correlator's merge with what is stored sees the latest write. Audit writes
 * refresh their index (read-your-writes: the loop guard reads the log right after writing it).
 *
 * Hotspots: a composite aggregation over the grouped keyword fields (core Elasticsearch only),
 * paged, keeping the largest MAX_HOTSPOT_ROWS groups; each bucket carries its first/last time, a
 * date_histogram trend and its newest record (top_hits).
 */
import type { Client, estypes } from '@elastic/elasticsearch';
import type { DeadLetterRecord, DeadLetterSearch, HotspotDimension, HotspotQuery, HotspotRow, RedriveAuditEntry } from '../../deadletters/types.js';
import {
  bucketStart,
  compareHotspots,
  dimensionValue,
  emptyHotspotRange,
  fillSeries,
  hotspotBucketMs,
  MAX_HOTSPOT_ROWS,
  normaliseGroupBy,
} from '../../deadletters/hotspot-math.js';
import { clampLimit } from '../limits.js';
import { compositePages } from './composite.js';
import { writeBulk, type BulkOptions } from './bulk.js';
import { docId, type IndexNames } from './index-names.js';
import { inSlices } from './reads.js';
import { timeRange } from './time-range.js';
import { toDocTime, type DocTime } from './documents.js';

const MAX_DEAD_LETTER_LIMIT = 1000;
const MAX_REDRIVE_AUDIT_LIMIT = 10_000;
/** Composite buckets per page, and pages read at most (bounds the work on a huge range). */
const COMPOSITE_PAGE = 500;
const MAX_COMPOSITE_PAGES = 40;

interface DeadLetterDoc {
  docRef: string;
  id: string;
  eventRef: string;
  deadLetteredAt: DocTime;
  fingerprint: string;
  group: string;
  service: string;
  eventType: string;
  producerVersion: string;
  destination: string;
  reason: string;
  errorType?: string;
  errorMessage?: string;
  record: DeadLetterRecord;
}

interface RedriveAuditDoc {
  docRef: string;
  id: string;
  deadLetterId: string;
  eventId: string;
  at: number;
  entry: RedriveAuditEntry;
}

function deadLetterToDoc(record: DeadLetterRecord): DeadLetterDoc {
  const doc: DeadLetterDoc = {
    docRef: docId(record.id),
    id: record.id,
    eventRef: docId(record.eventId),
    deadLetteredAt: toDocTime(record.deadLetteredAt),
    fingerprint: dimensionValue(record, 'fingerprint'),
    group: dimensionValue(record, 'group'),
    service: dimensionValue(record, 'service'),
    eventType: dimensionValue(record, 'eventType'),
    producerVersion: dimensionValue(record, 'producerVersion'),
    destination: dimensionValue(record, 'destination'),
    reason: record.deadLetter.reason,
    record,
  };
  if (record.error.type !== undefined) doc.errorType = record.error.type;
  if (record.error.message !== undefined) doc.errorMessage = record.error.message;
  return doc;
}

/** Bulk operations writing these records (the last copy of an id wins). */
export function deadLetterOperations(names: IndexNames, records: readonly DeadLetterRecord[]): Array<{ index: string; id: string; document: object }> {
  const latest = new Map(records.map((record) => [docId(record.id), record]));
  return [...latest].map(([id, record]) => ({ index: names.deadLetters(), id, document: deadLetterToDoc(record) }));
}

export async function putDeadLetters(client: Client, names: IndexNames, records: DeadLetterRecord[], options: BulkOptions): Promise<void> {
  if (records.length === 0) return;
  await writeBulk(client, deadLetterOperations(names, records), options);
}

export async function getDeadLetters(client: Client, names: IndexNames, ids: string[]): Promise<DeadLetterRecord[]> {
  const wanted = [...new Set(ids)];
  return inSlices(wanted, async (slice) => {
    const response = await client.mget<DeadLetterDoc>({ index: names.deadLetters(), ids: slice.map(docId) }, { ignore: [404] });
    // 404: the index does not exist yet.
    const docs = (response.docs ?? []) as Array<estypes.MgetResponseItem<DeadLetterDoc>>;
    return docs.flatMap((doc) => ('found' in doc && doc.found && doc._source ? [doc._source.record] : []));
  });
}

const FILTER_FIELDS: Array<[keyof DeadLetterSearch, string]> = [
  ['fingerprint', 'fingerprint'],
  ['group', 'group'],
  ['service', 'service'],
  ['eventType', 'eventType'],
  ['destination', 'destination'],
  ['producerVersion', 'producerVersion'],
  ['reason', 'reason'],
];

export async function searchDeadLetters(client: Client, names: IndexNames, query: DeadLetterSearch): Promise<DeadLetterRecord[]> {
  const limit = clampLimit(query.limit, MAX_DEAD_LETTER_LIMIT);
  const range = timeRange('deadLetteredAt', query.from, query.to);
  if (limit === 0 || range === null) return [];
  const filter: estypes.QueryDslQueryContainer[] = [range];
  for (const [name, field] of FILTER_FIELDS) {
    const value = query[name];
    if (value !== undefined) filter.push({ term: { [field]: value } });
  }
  const response = await client.search<DeadLetterDoc>({
    index: names.deadLetters(),
    query: { bool: { filter } },
    sort: [{ deadLetteredAt: 'desc' }, { id: 'asc' }, { docRef: 'asc' }],
    size: limit,
    _source: { includes: ['record'] },
    track_total_hits: false,
    ignore_unavailable: true,
    allow_no_indices: true,
  });
  return response.hits.hits.flatMap((hit) => (hit._source ? [hit._source.record] : []));
}

interface HotspotBucket {
  key: Record<string, string | number | null>;
  doc_count: number;
  first?: { value: number | null };
  last?: { value: number | null };
  trend?: { buckets: Array<{ key: number; doc_count: number }> };
  newest?: { hits: { hits: Array<{ _source?: Pick<DeadLetterDoc, 'id' | 'errorType' | 'errorMessage'> }> } };
}

export async function deadLetterHotspots(client: Client, names: IndexNames, query: HotspotQuery): Promise<HotspotRow[]> {
  const range = timeRange('deadLetteredAt', query.from, query.to);
  if (emptyHotspotRange(query) || range === null) return [];
  const dimensions = normaliseGroupBy(query.groupBy);
  const bucketMs = hotspotBucketMs(query);
  let top: HotspotRow[] = [];
  const pages = compositePages<HotspotBucket>(client, {
    index: names.deadLetters(),
    query: { bool: { filter: [range] } },
    pageSize: COMPOSITE_PAGE,
    maxPages: MAX_COMPOSITE_PAGES,
    sources: dimensions.map((dimension) => ({ [dimension]: { terms: { field: dimension } } })),
    aggs: {
      first: { min: { field: 'deadLetteredAt' } },
      last: { max: { field: 'deadLetteredAt' } },
      trend: { date_histogram: { field: 'deadLetteredAt', fixed_interval: `${bucketMs}ms`, min_doc_count: 1 } },
      newest: {
        top_hits: {
          size: 1,
          sort: [{ deadLetteredAt: 'desc' }, { id: 'desc' }],
          _source: { includes: ['id', 'errorType', 'errorMessage'] },
        },
      },
    },
  });
  for await (const buckets of pages) {
    top = [...top, ...buckets.map((bucket) => toRow(bucket, dimensions, query, bucketMs))].sort(compareHotspots).slice(0, MAX_HOTSPOT_ROWS);
  }
  return top;
}

function toRow(bucket: HotspotBucket, dimensions: readonly HotspotDimension[], query: HotspotQuery, bucketMs: number): HotspotRow {
  const key: Partial<Record<HotspotDimension, string>> = {};
  for (const dimension of dimensions) key[dimension] = String(bucket.key[dimension] ?? '');
  const counts = new Map<number, number>();
  // date_histogram keys are multiples of the interval since the epoch, as bucketStart computes.
  for (const point of bucket.trend?.buckets ?? []) counts.set(bucketStart(Number(point.key), bucketMs), point.doc_count);
  const newest = bucket.newest?.hits.hits[0]?._source;
  const row: HotspotRow = {
    key,
    count: bucket.doc_count,
    firstAt: Number(bucket.first?.value ?? query.from),
    lastAt: Number(bucket.last?.value ?? query.to),
    series: fillSeries(query.from, query.to, bucketMs, counts),
    sample: { id: newest?.id ?? '' },
  };
  if (newest?.errorType) row.sample.errorType = newest.errorType;
  if (newest?.errorMessage) row.sample.errorMessage = newest.errorMessage;
  return row;
}

export async function putRedriveAudit(client: Client, names: IndexNames, entries: RedriveAuditEntry[], options: BulkOptions): Promise<void> {
  if (entries.length === 0) return;
  const index = names.redriveAudit();
  const latest = new Map(entries.map((entry) => [docId(entry.id), entry]));
  const operations = [...latest].map(([id, entry]) => ({
    index,
    id,
    document: { docRef: id, id: entry.id, deadLetterId: entry.deadLetterId, eventId: entry.eventId, at: entry.at, entry } satisfies RedriveAuditDoc,
  }));
  await writeBulk(client, operations, options);
  await client.indices.refresh({ index, ignore_unavailable: true });
}

export async function listRedriveAudit(
  client: Client,
  names: IndexNames,
  query: { deadLetterId?: string; eventId?: string; from?: number; to?: number; limit: number },
): Promise<RedriveAuditEntry[]> {
  const limit = clampLimit(query.limit, MAX_REDRIVE_AUDIT_LIMIT);
  const range = timeRange('at', query.from, query.to);
  if (limit === 0 || range === null) return [];
  const filter: estypes.QueryDslQueryContainer[] = [];
  if (query.from !== undefined || query.to !== undefined) filter.push(range);
  if (query.deadLetterId !== undefined) filter.push({ term: { deadLetterId: query.deadLetterId } });
  if (query.eventId !== undefined) filter.push({ term: { eventId: query.eventId } });
  const response = await client.search<RedriveAuditDoc>({
    index: names.redriveAudit(),
    query: { bool: { filter } },
    sort: [{ at: 'desc' }, { id: 'asc' }, { docRef: 'asc' }],
    size: limit,
    _source: { includes: ['entry'] },
    track_total_hits: false,
    ignore_unavailable: true,
    allow_no_indices: true,
  });
  return response.hits.hits.flatMap((hit) => (hit._source ? [hit._source.entry] : []));
}
