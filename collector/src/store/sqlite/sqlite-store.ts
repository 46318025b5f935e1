/**
 * The embedded default store: one SQLite file via better-sqlite3.
 *
 * Durability: WAL journal with `synchronous=FULL`, so every committed write transaction is fsynced
 * before the call returns. The ingest pipeline drops spans from its own write-ahead log once the
 * store has them; with `synchronous=NORMAL` a power loss could undo the last commits after that,
 * losing acknowledged data. Each `put*` call is one transaction (one fsync), so the cost is per
 * batch, not per record.
 *
 * Lists of ids reach SQL as one JSON parameter expanded by `json_each`, so every look-up is one
 * prepared statement whatever the number of ids (no bound-parameter limit, no chunking).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { SpanRecord } from '../../model/span.js';
import type { LagSample, LagSampleQuery, QueueTimeQuery, QueueTimeSeries } from '../../lag/types.js';
import type { AlertEvent, AlertEventQuery, AlertRule } from '../../alerts/types.js';
import { clampSearchLimit } from '../limits.js';
import type {
  CausalEdgeRecord,
  ConsumerEdgeRow,
  DeliveryRecord,
  DerivedRecords,
  EventRecord,
  EventSearch,
  ProducerEdgeRow,
  RelatedSpanKeyQuery,
  SpanKey,
  Store,
} from '../store.js';
import {
  deliveryToRow,
  edgeToRow,
  eventToRow,
  rowToDelivery,
  rowToEdge,
  rowToEvent,
  rowToSpan,
  spanToRow,
  type DeliveryRow,
  type EdgeRow,
  type EventRow,
  type SpanRow,
} from './rows.js';
import { READS, SEARCH_FILTERS, searchSql, type SearchFilter } from './queries.js';
import { SCHEMA_SQL, SCHEMA_VERSION } from './schema.js';
import { SqliteTopology, TOPOLOGY_READS } from './topology.js';
import { alertEventsSql, LIST_ALERT_RULES_SQL, SqliteAlerts, type AlertEventFilter } from './alerts.js';
import { LAG_SLICE_END_SQL, lagSamplesSql, SqliteLagSamples, type LagFilter } from './lag.js';
import { queueSeriesSql, queueValuesSql, SqliteQueueTime } from './queue-time.js';
import { deadLetterPlanInputs, SqliteDeadLetters } from './dead-letters.js';
import type { DeadLetterRecord, DeadLetterSearch, HotspotQuery, HotspotRow, RedriveAuditEntry } from '../../deadletters/types.js';

/** In-memory database path, as better-sqlite3 spells it. */
export const SQLITE_MEMORY = ':memory:';

/** Bound parameters of the reads that take more than one id list (for `queryPlans`). */
const READ_PARAMS: Partial<Record<keyof typeof READS, string[]>> = {
  relatedSpans: ['[]', '[]'],
  relatedSpanKeys: ['[]', '[]', '[]'],
};

const SPAN_COLUMNS = [
  'trace_id', 'span_id', 'parent_span_id', 'name', 'kind', 'start_time', 'end_time', 'start_time_unix_nano',
  'duration_ms', 'status_code', 'status_message', 'service', 'message_id', 'resource', 'scope', 'attributes',
  'links', 'events',
] as const satisfies ReadonlyArray<keyof SpanRow>;
const EVENT_COLUMNS = [
  'id', 'type', 'system', 'destination', 'producer_service', 'trace_id', 'span_id', 'published_at',
  'send_duration_ms', 'send_error', 'attributes',
] as const satisfies ReadonlyArray<keyof EventRow>;
const DELIVERY_COLUMNS = [
  'id', 'event_id', 'service', 'consumer_group', 'system', 'destination', 'outcome', 'received_at',
  'processed_at', 'duration_ms', 'queue_ms', 'latency_ms', 'trace_id', 'span_id', 'attributes',
] as const satisfies ReadonlyArray<keyof DeliveryRow>;
const EDGE_COLUMNS = ['id', 'from_id', 'to_id', 'at', 'via'] as const satisfies ReadonlyArray<keyof EdgeRow>;

/**
 * A whole-row upsert that updates in place on a known key. Unlike `INSERT OR REPLACE` (delete, then
 * insert), an update leaves untouched every index whose columns did not change, skips the write
 * when nothing changed (re-derived records mostly are the same), and fires UPDATE triggers rather
 * than a DELETE that REPLACE does not report.
 */
function upsert(table: string, key: readonly string[], columns: readonly string[]): string {
  const values = columns.map((column) => `@${column}`).join(', ');
  const rest = columns.filter((column) => !key.includes(column));
  const set = rest.map((column) => `${column} = excluded.${column}`).join(', ');
  const changed = rest.map((column) => `${table}.${column} IS NOT excluded.${column}`).join(' OR ');
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${values})
    ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${set} WHERE ${changed}`;
}

/** Everything prepared once the database is open. */
class Statements {
  readonly upsertSpan;
  readonly deleteSpanLinks;
  readonly insertSpanLink;
  readonly upsertEvent;
  readonly upsertDelivery;
  readonly upsertEdge;
  readonly traceSpans;
  readonly spansByKey;
  readonly relatedSpans;
  readonly relatedSpanKeys;
  readonly eventsById;
  readonly deliveriesByEvent;
  readonly edgesTo;
  readonly edgesFrom;

  constructor(db: Database.Database) {
    this.upsertSpan = db.prepare<SpanRow>(upsert('spans', ['trace_id', 'span_id'], SPAN_COLUMNS));
    this.deleteSpanLinks = db.prepare<[string, string]>('DELETE FROM span_links WHERE trace_id = ? AND span_id = ?');
    this.insertSpanLink = db.prepare<[string, string, string]>(
      'INSERT OR IGNORE INTO span_links (target_span_id, trace_id, span_id) VALUES (?, ?, ?)',
    );
    this.upsertEvent = db.prepare<EventRow>(upsert('events', ['id'], EVENT_COLUMNS));
    this.upsertDelivery = db.prepare<DeliveryRow>(upsert('deliveries', ['id'], DELIVERY_COLUMNS));
    this.upsertEdge = db.prepare<EdgeRow>(upsert('edges', ['id'], EDGE_COLUMNS));

    this.traceSpans = db.prepare<[string], SpanRow>(READS.traceSpans);
    this.spansByKey = db.prepare<[string], SpanRow>(READS.spansByKey);
    this.relatedSpans = db.prepare<[string, string], SpanRow>(READS.relatedSpans);
    this.relatedSpanKeys = db.prepare<[string, string, string], Pick<SpanRow, 'trace_id' | 'span_id'>>(READS.relatedSpanKeys).raw();
    this.eventsById = db.prepare<[string], EventRow>(READS.eventsById);
    this.deliveriesByEvent = db.prepare<[string], DeliveryRow>(READS.deliveriesByEvent);
    this.edgesTo = db.prepare<[string], EdgeRow>(READS.edgesTo);
    this.edgesFrom = db.prepare<[string], EdgeRow>(READS.edgesFrom);
  }
}

interface Open {
  db: Database.Database;
  statements: Statements;
  topology: SqliteTopology;
  queueTime: SqliteQueueTime;
  lag: SqliteLagSamples;
  alerts: SqliteAlerts;
  deadLetters: SqliteDeadLetters;
  putDeadLetters: (records: DeadLetterRecord[]) => void;
  searches: Map<string, Database.Statement<Record<string, unknown>, EventRow>>;
  putSpans: (spans: SpanRecord[]) => void;
  putEvents: (events: EventRecord[]) => void;
  putDeliveries: (deliveries: DeliveryRecord[]) => void;
  putEdges: (edges: CausalEdgeRecord[]) => void;
  putDerived: (records: DerivedRecords) => void;
}

export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  readonly deferredSpanVisibility = false;
  private open: Open | undefined;

  /** @param path database file (its directory is created), or `:memory:`. */
  constructor(readonly path: string) {}

  async init(): Promise<void> {
    if (this.open) return;
    if (this.path !== SQLITE_MEMORY) mkdirSync(dirname(this.path), { recursive: true });
    const db = new Database(this.path);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      // Another process (a second collector, a backup) may hold the write lock briefly.
      db.pragma('busy_timeout = 5000');
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version > SCHEMA_VERSION) {
        throw new Error(
          `SQLite store ${this.path} has schema version ${version}; this collector understands up to ${SCHEMA_VERSION}`,
        );
      }
      db.exec(SCHEMA_SQL);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
      this.open = prepare(db);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  async close(): Promise<void> {
    const open = this.open;
    this.open = undefined;
    open?.db.close();
  }

  /** Committed before this returns, so visible at once whatever the options. */
  async putSpans(spans: SpanRecord[]): Promise<void> {
    if (spans.length > 0) this.db().putSpans(spans);
  }

  async makeSpansVisible(): Promise<void> {}

  async getTraceSpans(traceIds: string[]): Promise<SpanRecord[]> {
    if (traceIds.length === 0) return [];
    return this.db().statements.traceSpans.all(JSON.stringify(traceIds)).map(rowToSpan);
  }

  async getSpans(keys: Array<{ traceId: string; spanId: string }>): Promise<SpanRecord[]> {
    if (keys.length === 0) return [];
    const pairs = JSON.stringify(keys.map((key) => [key.traceId, key.spanId]));
    return this.db().statements.spansByKey.all(pairs).map(rowToSpan);
  }

  async findRelatedSpans(query: { linkedSpanIds: string[]; messageIds: string[] }): Promise<SpanRecord[]> {
    if (query.linkedSpanIds.length === 0 && query.messageIds.length === 0) return [];
    const rows = this.db().statements.relatedSpans.all(JSON.stringify(query.linkedSpanIds), JSON.stringify(query.messageIds));
    return rows.map(rowToSpan);
  }

  async findRelatedSpanKeys(query: RelatedSpanKeyQuery): Promise<SpanKey[]> {
    if (query.linkedSpanIds.length === 0 && query.messageIds.length === 0) return [];
    const { relatedSpanKeys } = this.db().statements;
    const params = [query.linkedSpanIds, query.messageIds, query.exceptTraceIds ?? []].map((ids) => JSON.stringify(ids));
    // Raw rows ([trace_id, span_id]) skip building a keyed object per row.
    const rows = relatedSpanKeys.all(...(params as [string, string, string])) as unknown as Array<[string, string]>;
    return rows.map(([traceId, spanId]) => ({ traceId, spanId }));
  }

  async putEvents(events: EventRecord[]): Promise<void> {
    if (events.length > 0) this.db().putEvents(events);
  }

  async putDeliveries(deliveries: DeliveryRecord[]): Promise<void> {
    if (deliveries.length > 0) this.db().putDeliveries(deliveries);
  }

  async putEdges(edges: CausalEdgeRecord[]): Promise<void> {
    if (edges.length > 0) this.db().putEdges(edges);
  }

  async putDerived(records: DerivedRecords): Promise<void> {
    const count = records.events.length + records.deliveries.length + records.edges.length + (records.deadLetters?.length ?? 0);
    if (count > 0) this.db().putDerived(records);
  }

  async getEvents(ids: string[]): Promise<EventRecord[]> {
    if (ids.length === 0) return [];
    return this.db().statements.eventsById.all(JSON.stringify(ids)).map(rowToEvent);
  }

  async getDeliveries(eventIds: string[]): Promise<DeliveryRecord[]> {
    if (eventIds.length === 0) return [];
    return this.db().statements.deliveriesByEvent.all(JSON.stringify(eventIds)).map(rowToDelivery);
  }

  async getEdges(eventIds: string[], direction: 'up' | 'down'): Promise<CausalEdgeRecord[]> {
    if (eventIds.length === 0) return [];
    const { edgesTo, edgesFrom } = this.db().statements;
    return (direction === 'up' ? edgesTo : edgesFrom).all(JSON.stringify(eventIds)).map(rowToEdge);
  }

  async searchEvents(query: EventSearch): Promise<EventRecord[]> {
    const limit = clampSearchLimit(query.limit);
    if (limit === 0) return [];
    const open = this.db();
    const used: SearchFilter[] = SEARCH_FILTERS.map(([name]) => name).filter((name) => query[name] !== undefined);
    // One prepared statement per combination of filters (at most 32), built on first use.
    const cacheKey = used.join(',');
    let statement = open.searches.get(cacheKey);
    if (!statement) {
      statement = open.db.prepare<Record<string, unknown>, EventRow>(searchSql(used));
      open.searches.set(cacheKey, statement);
    }
    const params: Record<string, unknown> = { limit };
    for (const name of used) params[name] = query[name];
    return statement.all(params).map(rowToEvent);
  }

  async topology(range: { from: number; to: number }): Promise<{ producers: ProducerEdgeRow[]; consumers: ConsumerEdgeRow[] }> {
    return this.db().topology.query(range);
  }

  async queueTimeSeries(query: QueueTimeQuery): Promise<QueueTimeSeries[]> {
    return this.db().queueTime.query(query);
  }

  async putLagSamples(samples: LagSample[]): Promise<void> {
    this.db().lag.put(samples);
  }

  async getLagSamples(query: LagSampleQuery): Promise<LagSample[]> {
    return this.db().lag.get(query);
  }

  async deleteLagSamples(query: { resolutionMs: number; before: number }): Promise<void> {
    await this.db().lag.delete(query);
  }

  async putAlertRule(rule: AlertRule): Promise<void> {
    this.db().alerts.putRule(rule);
  }

  async listAlertRules(): Promise<AlertRule[]> {
    return this.db().alerts.rules();
  }

  async deleteAlertRule(id: string): Promise<boolean> {
    return this.db().alerts.removeRule(id);
  }

  async putAlertEvents(events: AlertEvent[]): Promise<void> {
    this.db().alerts.putEvents(events);
  }

  async listAlertEvents(query: AlertEventQuery): Promise<AlertEvent[]> {
    return this.db().alerts.events(query);
  }

  async putDeadLetters(records: DeadLetterRecord[]): Promise<void> {
    if (records.length > 0) this.db().putDeadLetters(records);
  }

  async getDeadLetters(ids: string[]): Promise<DeadLetterRecord[]> {
    return this.db().deadLetters.get(ids);
  }

  async searchDeadLetters(query: DeadLetterSearch): Promise<DeadLetterRecord[]> {
    return this.db().deadLetters.search(query);
  }

  async deadLetterHotspots(query: HotspotQuery): Promise<HotspotRow[]> {
    return this.db().deadLetters.hotspots(query);
  }

  async putRedriveAudit(entries: RedriveAuditEntry[]): Promise<void> {
    this.db().deadLetters.putAudit(entries);
  }

  async listRedriveAudit(query: { deadLetterId?: string; eventId?: string; from?: number; to?: number; limit: number }): Promise<RedriveAuditEntry[]> {
    return this.db().deadLetters.audit(query);
  }

  /** A pragma's value on the store's own connection (e.g. `synchronous`, which is per connection). */
  readPragma(name: string): unknown {
    return this.db().db.pragma(name, { simple: true });
  }

  /** `EXPLAIN QUERY PLAN` of every read the store runs, by name: for diagnosis and the index tests. */
  queryPlans(): Record<string, string> {
    const { db } = this.db();
    const explain = (sql: string, params: unknown[] | Record<string, unknown>): string =>
      db
        .prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .all(params as never)
        .map((row) => (row as { detail: string }).detail)
        .join('\n');
    const plans: Record<string, string> = {};
    for (const [name, sql] of Object.entries(READS)) plans[name] = explain(sql, READ_PARAMS[name as keyof typeof READS] ?? ['[]']);
    for (const [name, sql] of Object.entries(TOPOLOGY_READS)) plans[name] = explain(sql, { from: 0, to: 1 });
    const searches: SearchFilter[][] = [[], ['type'], ['service', 'from'], ['destination', 'to'], ['from', 'to'], ['type', 'service', 'destination', 'from', 'to']];
    for (const filters of searches) {
      const params: Record<string, unknown> = { limit: 1 };
      for (const name of filters) params[name] = name === 'from' || name === 'to' ? 0 : 'x';
      plans[`searchEvents(${filters.join(',')})`] = explain(searchSql(filters), params);
    }
    for (const filters of [[], ['group'], ['destination'], ['group', 'destination']] as Array<Array<'group' | 'destination'>>) {
      const params = { from: 0, to: 1, group: 'g', destination: 'd' };
      plans[`queueTimeSeries.series(${filters.join(',')})`] = explain(queueSeriesSql(filters), pick(params, ['from', 'to', ...filters]));
      plans[`queueTimeSeries.values(${filters.join(',')})`] = explain(queueValuesSql(filters), pick({ ...params, bucket: 1 }, ['from', 'to', 'bucket', ...filters]));
    }
    const lagFilters: LagFilter[][] = [[], ['cluster'], ['group'], ['destination'], ['cluster', 'group', 'destination']];
    for (const filters of lagFilters) {
      const params = { resolution: 0, from: 0, to: 1, limit: 1, cluster: 'c', group: 'g', destination: 'd' };
      plans[`getLagSamples(${filters.join(',')})`] = explain(lagSamplesSql(filters), pick(params, ['resolution', 'from', 'to', 'limit', ...filters]));
    }
    plans['deleteLagSamples.sliceEnd'] = explain(LAG_SLICE_END_SQL, { resolution: 0, before: 1 });
    plans.listAlertRules = explain(LIST_ALERT_RULES_SQL, []);
    const eventFilters: AlertEventFilter[][] = [[], ['from', 'to'], ['ruleId'], ['group', 'from'], ['ruleId', 'group', 'from', 'to']];
    for (const filters of eventFilters) {
      const params = { limit: 1, from: 0, to: 1, ruleId: 'r', group: 'g' };
      plans[`listAlertEvents(${filters.join(',')})`] = explain(alertEventsSql(filters), pick(params, ['limit', ...filters]));
    }
    for (const [name, sql, params] of deadLetterPlanInputs()) plans[name] = explain(sql, params);
    return plans;
  }

  private db(): Open {
    if (!this.open) throw new Error('SqliteStore is not open: call init() first');
    return this.open;
  }
}

function prepare(db: Database.Database): Open {
  const statements = new Statements(db);
  const deadLetters = new SqliteDeadLetters(db);
  return {
    db,
    statements,
    topology: new SqliteTopology(db),
    queueTime: new SqliteQueueTime(db),
    lag: new SqliteLagSamples(db),
    alerts: new SqliteAlerts(db),
    deadLetters,
    putDeadLetters: db.transaction((records: DeadLetterRecord[]) => deadLetters.write(records)),
    searches: new Map(),
    // Each batch is one transaction: all of it or none of it, and one fsync.
    putSpans: db.transaction((spans: SpanRecord[]) => {
      for (const span of spans) {
        statements.upsertSpan.run(spanToRow(span));
        statements.deleteSpanLinks.run(span.traceId, span.spanId);
        for (const link of span.links) statements.insertSpanLink.run(link.spanId, span.traceId, span.spanId);
      }
    }),
    putEvents: db.transaction((events: EventRecord[]) => {
      for (const event of events) statements.upsertEvent.run(eventToRow(event));
    }),
    putDeliveries: db.transaction((deliveries: DeliveryRecord[]) => {
      for (const delivery of deliveries) statements.upsertDelivery.run(deliveryToRow(delivery));
    }),
    putEdges: db.transaction((edges: CausalEdgeRecord[]) => {
      for (const edge of edges) statements.upsertEdge.run(edgeToRow(edge));
    }),
    // All kinds (dead letters too) in one transaction: one fsync per correlator pass instead of three.
    putDerived: db.transaction((records: DerivedRecords) => {
      for (const event of records.events) statements.upsertEvent.run(eventToRow(event));
      for (const delivery of records.deliveries) statements.upsertDelivery.run(deliveryToRow(delivery));
      for (const edge of records.edges) statements.upsertEdge.run(edgeToRow(edge));
      if (records.deadLetters) deadLetters.write(records.deadLetters);
    }),
  };
}

function pick(params: Record<string, unknown>, names: string[]): Record<string, unknown> {
  return Object.fromEntries(names.map((name) => [name, params[name]]));
}
