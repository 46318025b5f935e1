/**
 * The Elasticsearch store: one composable index template per record kind, daily indices
 * (`<prefix>-<kind>-YYYY.MM.DD`, UTC day of the record's own time), bulk writes keyed by the
 * records' deterministic ids, reads across all daily indices of a kind. Lag samples live in daily
 * indices per resolution (`<prefix>-lag-raw-…`, `<prefix>-lag-<ms>ms-…`, see `lag.ts`), alert
 * rules and history in one index each (`<prefix>-alert-rules`, `<prefix>-alert-events`, see
 * `alerts.ts`).
 *
 * Visibility: `putSpans` refreshes the span indices it wrote before returning (a search only
 * sees refreshed data), unless told to defer: the correlator, which holds the batch in memory,
 * defers and calls `makeSpansVisible` once per batch beside its derived writes, so the next batch's
 * searches see this one. An explicit refresh is used rather than `refresh=wait_for`, which parks
 * the request until the next scheduled refresh (up to `refresh_interval`, 1 s by default, and
 * indefinitely on a search-idle shard). Events, deliveries and edges are not refreshed: nothing reads
 * them back within the ingest, and the API tolerates the usual near-real-time delay.
 */
import type { Client, estypes } from '@elastic/elasticsearch';
import type { SpanRecord } from '../../model/span.js';
import type { LagSample, LagSampleQuery, QueueTimeQuery, QueueTimeSeries } from '../../lag/types.js';
import type { AlertEvent, AlertEventQuery, AlertRule } from '../../alerts/types.js';
import type { ElasticsearchStoreConfig } from '../config.js';
import { clampSearchLimit } from '../limits.js';
import type {
  CausalEdgeRecord,
  ConsumerEdgeRow,
  DeliveryRecord,
  DerivedRecords,
  PutSpansOptions,
  EventRecord,
  EventSearch,
  ProducerEdgeRow,
  RelatedSpanKeyQuery,
  SpanKey,
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
import { DEFAULT_INDEX_PREFIX, docId, IndexNames, RECORD_KINDS, validateIndexPrefix } from './index-names.js';
import { deleteAlertRule, listAlertEvents, listAlertRules, putAlertEvents, putAlertRule } from './alerts.js';
import { deleteLagSamples, getLagSamples, putLagSamples } from './lag.js';
import { deadLetterHotspots, getDeadLetters, listRedriveAudit, putDeadLetters, putRedriveAudit, searchDeadLetters } from './dead-letters.js';
import type { DeadLetterRecord, DeadLetterSearch, HotspotQuery, HotspotRow, RedriveAuditEntry } from '../../deadletters/types.js';
import { indexTemplate, lagAndAlertTemplates } from './mappings.js';
import { esQueueTimeSeries } from './queue-time.js';
import { inSlices, searchAll, TERMS_PER_QUERY } from './reads.js';
import { derivedGroup, writeDerived } from './derived-writes.js';
import { timeRange } from './time-range.js';
import { esTopology } from './topology.js';

export interface ElasticsearchStoreOptions extends ElasticsearchStoreConfig {
  /** Bulk request sizing and retry pause. */
  bulk?: BulkOptions;
}

/** Above this many touched span indices, refresh them all by pattern (keeps the URL short). */
const MAX_REFRESH_LIST = 20;

export class ElasticsearchStore implements Store {
  readonly kind = 'elasticsearch' as const;
  readonly deferredSpanVisibility = true;
  readonly names: IndexNames;
  private readonly connection: ElasticsearchConnection;
  private readonly bulkOptions: BulkOptions;
  /** Span indices written with deferred visibility and not refreshed since. */
  private readonly unrefreshedSpanIndices = new Set<string>();

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
    for (const template of lagAndAlertTemplates(this.names)) await this.client.indices.putIndexTemplate(template);
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  async putSpans(spans: SpanRecord[], options: PutSpansOptions = {}): Promise<void> {
    if (spans.length === 0) return;
    // A span's start time never changes, so a span rewritten always lands in the same daily index:
    // no stale copy to look for (unlike the derived records, see putDerived).
    // One operation per span (the last copy wins, as in SQLite): writeBulk's concurrent requests
    // could otherwise apply two copies of a span in either order.
    const latest = new Map(spans.map((span) => [spanDocId(span.traceId, span.spanId), span]));
    // Documents are built as writeBulk serializes each request, not for the whole batch up front.
    const names = this.names;
    const written = new Set<string>();
    function* operations(): Generator<BulkOperation> {
      for (const [id, span] of latest) {
        const index = names.daily('spans', span.startTime);
        written.add(index);
        yield { index, id, document: spanToDoc(span) };
      }
    }
    await writeBulk(this.client, operations(), this.bulkOptions);
    // Noted once written, not before: a refresh already running when the bulk completes may not
    // cover it, and must not take these indices off the list.
    for (const index of written) this.unrefreshedSpanIndices.add(index);
    if (!options.deferVisibility) await this.makeSpansVisible();
  }

  /**
   * Refreshes the span indices written since the last refresh. Every refresh makes a new segment
   * per shard, which Elasticsearch later merges: the correlator calls this once per ingest batch,
   * beside its derived writes, rather than once per span write before its reads.
   */
  async makeSpansVisible(): Promise<void> {
    if (this.unrefreshedSpanIndices.size === 0) return;
    const touched = [...this.unrefreshedSpanIndices];
    this.unrefreshedSpanIndices.clear();
    try {
      await this.client.indices.refresh({
        index: touched.length <= MAX_REFRESH_LIST ? touched : this.names.pattern('spans'),
        ignore_unavailable: true,
      });
    } catch (err) {
      for (const index of touched) this.unrefreshedSpanIndices.add(index);
      throw err;
    }
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

  async findRelatedSpanKeys(query: RelatedSpanKeyQuery): Promise<SpanKey[]> {
    const linked = unique(query.linkedSpanIds);
    const messages = unique(query.messageIds.map(docId));
    const except = unique(query.exceptTraceIds ?? []);
    const exceptSet = new Set(except);
    // Excluded in the query while the list fits one terms clause, so the hits stay few; and below.
    const mustNot: estypes.QueryDslQueryContainer[] = except.length > 0 && except.length <= TERMS_PER_QUERY ? [{ terms: { traceId: except } }] : [];
    const byRef = new Map<string, SpanKey>();
    // One search for both kinds of ids (per slice of each); only the key fields come back.
    for (let i = 0; i < Math.max(linked.length, messages.length); i += TERMS_PER_QUERY) {
      const should: estypes.QueryDslQueryContainer[] = [];
      const linkedSlice = linked.slice(i, i + TERMS_PER_QUERY);
      const messageSlice = messages.slice(i, i + TERMS_PER_QUERY);
      if (linkedSlice.length > 0) should.push({ terms: { linkedSpanIds: linkedSlice } });
      if (messageSlice.length > 0) should.push({ terms: { messageIdRef: messageSlice } });
      const docs = await searchAll<Pick<SpanDoc, 'docRef' | 'traceId' | 'spanId'>>(
        this.client,
        this.names.pattern('spans'),
        { bool: { should, minimum_should_match: 1, must_not: mustNot } },
        ['traceId', 'spanId'],
      );
      for (const doc of docs) if (!exceptSet.has(doc.traceId)) byRef.set(doc.docRef, { traceId: doc.traceId, spanId: doc.spanId });
    }
    return [...byRef.values()];
  }

  async putEvents(events: EventRecord[]): Promise<void> {
    await this.putDerived({ events, deliveries: [], edges: [] });
  }

  async putDeliveries(deliveries: DeliveryRecord[]): Promise<void> {
    await this.putDerived({ events: [], deliveries, edges: [] });
  }

  async putEdges(edges: CausalEdgeRecord[]): Promise<void> {
    await this.putDerived({ events: [], deliveries: [], edges });
  }

  async putDerived(records: DerivedRecords): Promise<void> {
    await writeDerived(this.client, this.bulkOptions, [
      derivedGroup(this.names, 'events', records.events, (event) => event.publishedAt, eventToDoc, true),
      // Indexed by the start of the consumer span its id names, which never changes: no stale copy.
      derivedGroup(this.names, 'deliveries', records.deliveries, (delivery) => delivery.receivedAt, deliveryToDoc, false),
      derivedGroup(this.names, 'edges', records.edges, (edge) => edge.at, edgeToDoc, true),
    ]);
    // After the events: a refresh never shows a dead letter before its event.
    if (records.deadLetters && records.deadLetters.length > 0) await putDeadLetters(this.client, this.names, records.deadLetters, this.bulkOptions);
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

  async queueTimeSeries(query: QueueTimeQuery): Promise<QueueTimeSeries[]> {
    return esQueueTimeSeries(this.client, this.names, query);
  }

  async putLagSamples(samples: LagSample[]): Promise<void> {
    await putLagSamples(this.client, this.names, samples, this.bulkOptions);
  }

  async getLagSamples(query: LagSampleQuery): Promise<LagSample[]> {
    return getLagSamples(this.client, this.names, query);
  }

  async deleteLagSamples(query: { resolutionMs: number; before: number }): Promise<void> {
    await deleteLagSamples(this.client, this.names, query);
  }

  async putAlertRule(rule: AlertRule): Promise<void> {
    await putAlertRule(this.client, this.names, rule);
  }

  async listAlertRules(): Promise<AlertRule[]> {
    return listAlertRules(this.client, this.names);
  }

  async deleteAlertRule(id: string): Promise<boolean> {
    return deleteAlertRule(this.client, this.names, id);
  }

  async putAlertEvents(events: AlertEvent[]): Promise<void> {
    await putAlertEvents(this.client, this.names, events, this.bulkOptions);
  }

  async listAlertEvents(query: AlertEventQuery): Promise<AlertEvent[]> {
    return listAlertEvents(this.client, this.names, query);
  }

  async putDeadLetters(records: DeadLetterRecord[]): Promise<void> {
    await putDeadLetters(this.client, this.names, records, this.bulkOptions);
  }

  async getDeadLetters(ids: string[]): Promise<DeadLetterRecord[]> {
    return getDeadLetters(this.client, this.names, ids);
  }

  async searchDeadLetters(query: DeadLetterSearch): Promise<DeadLetterRecord[]> {
    return searchDeadLetters(this.client, this.names, query);
  }

  async deadLetterHotspots(query: HotspotQuery): Promise<HotspotRow[]> {
    return deadLetterHotspots(this.client, this.names, query);
  }

  async putRedriveAudit(entries: RedriveAuditEntry[]): Promise<void> {
    await putRedriveAudit(this.client, this.names, entries, this.bulkOptions);
  }

  async listRedriveAudit(query: { deadLetterId?: string; eventId?: string; from?: number; to?: number; limit: number }): Promise<RedriveAuditEntry[]> {
    return listRedriveAudit(this.client, this.names, query);
  }
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
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
