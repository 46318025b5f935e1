/**
 * The Elasticsearch store: one composable index template per record kind, daily indices
 * (`<prefix>-<kind>-YYYY.MM.DD`, UTC day of the record's own time), bulk writes keyed by the
 * records' deterministic ids, reads across all daily indices of a kind.
 *
 * Visibility: `putSpans` refreshes the span indices it wrote before returning, because the
 * correlator searches for those spans immediately afterwards and a search only sees refreshed
 * data. An explicit refresh is used rather than `refresh=wait_for`, which parks the request until
 * the next scheduled refresh (up to `refresh_interval`, 1 s by default, and indefinitely on a
 * search-idle shard) on every batch. Events, deliveries and edges are not refreshed: nothing reads
 * them back within the ingest, and the API tolerates the usual near-real-time delay.
 */
import type { Client, estypes } from '@elastic/elasticsearch';
import type { SpanRecord } from '../../model/span.js';
import type { ElasticsearchStoreConfig } from '../config.js';
import { clampSearchLimit } from '../limits.js';
import type {
  CausalEdgeRecord,
  ConsumerEdgeRow,
  DeliveryRecord,
  EventRecord,
  EventSearch,
  ProducerEdgeRow,
  Store,
} from '../store.js';
import { writeBulk, type BulkOperation, type BulkOptions } from './bulk.js';
import { checkClusterHealth, connectElasticsearch, type ElasticsearchConnection } from './client.js';
import {
  deliveryToDoc,
  docToDelivery,
  docToEdge,
  docToEvent,
  docToSpan,
  edgeToDoc,
  eventToDoc,
  spanDocId,
  spanToDoc,
  type DeliveryDoc,
  type EdgeDoc,
  type EventDoc,
  type SpanDoc,
} from './documents.js';
import { DEFAULT_INDEX_PREFIX, docId, IndexNames, RECORD_KINDS, validateIndexPrefix, type RecordKind } from './index-names.js';
import { indexTemplate } from './mappings.js';
import { inSlices, searchAll } from './reads.js';
import { timeRange } from './time-range.js';
import { esTopology } from './topology.js';

export interface ElasticsearchStoreOptions extends ElasticsearchStoreConfig {
  /** Bulk request sizing and retry pause. */
  bulk?: BulkOptions;
}

/** Ids per stale-copy look-up: two hits each stay within the 10,000-hit search window. */
const STALE_LOOKUP_IDS = 5000;

/** Above this many touched span indices, refresh them all by pattern (keeps the URL short). */
const MAX_REFRESH_LIST = 20;

export class ElasticsearchStore implements Store {
  readonly kind = 'elasticsearch' as const;
  readonly names: IndexNames;
  private readonly connection: ElasticsearchConnection;
  private readonly bulkOptions: BulkOptions;

  constructor(url: string, options: ElasticsearchStoreOptions = {}) {
    this.names = new IndexNames(validateIndexPrefix(options.indexPrefix ?? DEFAULT_INDEX_PREFIX));
    this.connection = connectElasticsearch(url, options);
    this.bulkOptions = options.bulk ?? {};
  }

  /** The underlying client (for operations tooling and tests; the store owns and closes it). */
  get client(): Client {
    return this.connection.client;
  }

  async init(): Promise<void> {
    await checkClusterHealth(this.connection);
    // PUT replaces a template whole, so this is idempotent and upgrades an older mapping for the
    // daily indices created from now on.
    for (const kind of RECORD_KINDS) await this.client.indices.putIndexTemplate(indexTemplate(this.names, kind));
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  async putSpans(spans: SpanRecord[]): Promise<void> {
    if (spans.length === 0) return;
    // A span's start time never changes, so a span rewritten always lands in the same daily index:
    // no stale copy to look for (unlike the derived records, see putDerived).
    const operations = spans.map((span) => ({
      index: this.names.daily('spans', span.startTime),
      id: spanDocId(span.traceId, span.spanId),
      document: spanToDoc(span),
    }));
    await writeBulk(this.client, operations, this.bulkOptions);
    const touched = [...new Set(operations.map((op) => op.index))];
    await this.client.indices.refresh({
      index: touched.length <= MAX_REFRESH_LIST ? touched : this.names.pattern('spans'),
      ignore_unavailable: true,
    });
  }

  async getTraceSpans(traceIds: string[]): Promise<SpanRecord[]> {
    const docs = await inSlices(unique(traceIds), (slice) =>
      searchAll<SpanDoc>(this.client, this.names.pattern('spans'), { terms: { traceId: slice } }),
    );
    return sortSpans(docs.map(docToSpan));
  }

  async getSpans(keys: Array<{ traceId: string; spanId: string }>): Promise<SpanRecord[]> {
    const ids = unique(keys.map((key) => spanDocId(key.traceId, key.spanId)));
    const docs = await inSlices(ids, (slice) =>
      searchAll<SpanDoc>(this.client, this.names.pattern('spans'), { ids: { values: slice } }),
    );
    return sortSpans(docs.map(docToSpan));
  }

  async findRelatedSpans(query: { linkedSpanIds: string[]; messageIds: string[] }): Promise<SpanRecord[]> {
    const index = this.names.pattern('spans');
    const linking = await inSlices(unique(query.linkedSpanIds), (slice) =>
      searchAll<SpanDoc>(this.client, index, { terms: { linkedSpanIds: slice } }),
    );
    const sameMessage = await inSlices(unique(query.messageIds.map(docId)), (slice) =>
      searchAll<SpanDoc>(this.client, index, { terms: { messageIdRef: slice } }),
    );
    const byRef = new Map([...linking, ...sameMessage].map((doc) => [doc.docRef, doc]));
    return sortSpans([...byRef.values()].map(docToSpan));
  }

  async putEvents(events: EventRecord[]): Promise<void> {
    await this.putDerived('events', events.map((event) => ({ index: this.names.daily('events', event.publishedAt), document: eventToDoc(event) })));
  }

  async putDeliveries(deliveries: DeliveryRecord[]): Promise<void> {
    await this.putDerived(
      'deliveries',
      deliveries.map((delivery) => ({ index: this.names.daily('deliveries', delivery.receivedAt), document: deliveryToDoc(delivery) })),
    );
  }

  async putEdges(edges: CausalEdgeRecord[]): Promise<void> {
    await this.putDerived('edges', edges.map((edge) => ({ index: this.names.daily('edges', edge.at), document: edgeToDoc(edge) })));
  }

  async getEvents(ids: string[]): Promise<EventRecord[]> {
    const wanted = new Set(ids);
    const docs = await inSlices(unique(ids.map(docId)), (slice) =>
      searchAll<EventDoc>(this.client, this.names.pattern('events'), { ids: { values: slice } }),
    );
    return docs.map(docToEvent).filter((event) => wanted.has(event.id));
  }

  async getDeliveries(eventIds: string[]): Promise<DeliveryRecord[]> {
    const wanted = new Set(eventIds);
    const docs = await inSlices(unique(eventIds.map(docId)), (slice) =>
      searchAll<DeliveryDoc>(this.client, this.names.pattern('deliveries'), { terms: { eventRef: slice } }),
    );
    return docs.map(docToDelivery).filter((delivery) => wanted.has(delivery.eventId));
  }

  async getEdges(eventIds: string[], direction: 'up' | 'down'): Promise<CausalEdgeRecord[]> {
    const wanted = new Set(eventIds);
    const field = direction === 'up' ? 'toRef' : 'fromRef';
    const docs = await inSlices(unique(eventIds.map(docId)), (slice) =>
      searchAll<EdgeDoc>(this.client, this.names.pattern('edges'), { terms: { [field]: slice } }),
    );
    return docs.map(docToEdge).filter((edge) => wanted.has(direction === 'up' ? edge.to : edge.from));
  }

  async searchEvents(query: EventSearch): Promise<EventRecord[]> {
    const limit = clampSearchLimit(query.limit);
    const range = timeRange('publishedAt', query.from, query.to);
    if (limit === 0 || range === null) return [];
    const filter: estypes.QueryDslQueryContainer[] = [];
    if (query.type !== undefined) filter.push({ term: { type: query.type } });
    if (query.service !== undefined) filter.push({ term: { producerService: query.service } });
    if (query.destination !== undefined) filter.push({ term: { destination: query.destination } });
    if (query.from !== undefined || query.to !== undefined) filter.push(range);
    const response = await this.client.search<EventDoc>({
      index: this.names.pattern('events'),
      query: { bool: { filter } },
      sort: [{ publishedAt: 'desc' }, { docRef: 'asc' }],
      size: limit,
      track_total_hits: false,
      ignore_unavailable: true,
      allow_no_indices: true,
    });
    return response.hits.hits.flatMap((hit) => (hit._source ? [docToEvent(hit._source)] : []));
  }

  async topology(range: { from: number; to: number }): Promise<{ producers: ProducerEdgeRow[]; consumers: ConsumerEdgeRow[] }> {
    return esTopology(this.client, this.names, range);
  }

  /**
   * Writes events, deliveries or edges. Their index follows a time that re-derivation can change
   * (an event's canonical publish, hence its publish time, can change when another publish of the
   * same message id arrives), so a rewrite may target another daily index than the first write:
   * copies of the same ids in other indices are found first and deleted in the same bulk, or the
   * record would be counted twice. The look-up is a search, so a copy written less than a refresh
   * interval earlier can escape it; reads collapse such copies to one record.
   */
  private async putDerived(kind: RecordKind, records: Array<{ index: string; document: { docRef: string } }>): Promise<void> {
    if (records.length === 0) return;
    // The last version of a record in the batch wins, as it would in SQLite.
    const latest = new Map(records.map((record) => [record.document.docRef, record]));
    const operations: BulkOperation[] = [...latest.values()].map((record) => ({
      index: record.index,
      id: record.document.docRef,
      document: record.document,
    }));
    for (const ids of chunk([...latest.keys()], STALE_LOOKUP_IDS)) {
      const response = await this.client.search({
        index: this.names.pattern(kind),
        query: { ids: { values: ids } },
        _source: false,
        // Each id lives in one index, or briefly two: room for every copy.
        size: ids.length * 2,
        track_total_hits: false,
        ignore_unavailable: true,
        allow_no_indices: true,
      });
      for (const hit of response.hits.hits) {
        const target = hit._id === undefined ? undefined : latest.get(hit._id);
        if (target && hit._id !== undefined && hit._index !== target.index) operations.push({ index: hit._index, id: hit._id });
      }
    }
    await writeBulk(this.client, operations, this.bulkOptions);
  }
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Start time, then trace and span id: the order SQLite returns. */
function sortSpans(spans: SpanRecord[]): SpanRecord[] {
  return spans.sort(
    (a, b) => a.startTime - b.startTime || compare(a.traceId, b.traceId) || compare(a.spanId, b.spanId),
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
