/**
 * The embedded default store: one SQLite file via better-sqlite3.
 *
 * Reads run on this thread's connection; writes go through a `SqliteWriter` (writer.ts): on a
 * worker thread with its own connection for a file, inline for `:memory:`. Each `put*` call is one
 * transaction, committed and fsynced (`synchronous=FULL`, see connection.ts) before it resolves,
 * so the cost is per batch, not per record. The one exception is `putSpans` with
 * `deferVisibility` on the threaded writer: it resolves once the write is queued, and
 * `makeSpansVisible` resolves when every such write committed (or rejects with the first failure),
 * so the correlator derives a batch while its spans are written. The WAL checkpoints run on a
 * thread of their own (checkpointer.ts).
 *
 * Lists of ids reach SQL as one JSON parameter expanded by `json_each`, so every look-up is one
 * prepared statement whatever the number of ids (no bound-parameter limit, no chunking).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
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
  PutSpansOptions,
  RelatedSpanKeyQuery,
  SpanKey,
  Store,
} from '../store.js';
import {
  derivedToRows,
  rowToDelivery,
  rowToEdge,
  rowToEvent,
  rowToSpan,
  spansToRows,
  type DeliveryRow,
  type EdgeRow,
  type EventRow,
  type SpanRow,
} from './rows.js';
import { openConnection } from './connection.js';
import { CheckpointThread } from './checkpointer.js';
import { CHECKPOINT_INTERVAL_MS, InlineWriter, WorkerWriter, type SqliteWriter } from './writer.js';
import { READS, SEARCH_FILTERS, searchSql, type SearchFilter } from './queries.js';
import { SCHEMA_SQL, SCHEMA_VERSION } from './schema.js';
import { SqliteTopology, TOPOLOGY_READS } from './topology.js';
import { moveSpansToRowidLayout } from './spans-layout.js';
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

/** Everything prepared once the database is open. */
class Statements {
  readonly traceSpans;
  readonly spansByKey;
  readonly relatedSpans;
  readonly relatedSpanKeys;
  readonly eventsById;
  readonly deliveriesByEvent;
  readonly edgesTo;
  readonly edgesFrom;

  constructor(db: Database.Database) {
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
  searches: Map<string, Database.Statement<Record<string, unknown>, EventRow>>;
  writer: SqliteWriter;
  /** For a database file; `:memory:` has no WAL. */
  checkpoints: CheckpointThread | undefined;
}

export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  private open: Open | undefined;
  /** Span writes queued with `deferVisibility` and not yet committed. */
  private readonly deferredSpanWrites = new Set<Promise<void>>();

  /** @param path database file (its directory is created), or `:memory:`. */
  constructor(readonly path: string) {}

  async init(): Promise<void> {
    if (this.open) return;
    if (this.path !== SQLITE_MEMORY) mkdirSync(dirname(this.path), { recursive: true });
    const db = openConnection(this.path);
    let writer: SqliteWriter | undefined;
    let checkpoints: CheckpointThread | undefined;
    try {
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version > SCHEMA_VERSION) {
        throw new Error(
          `SQLite store ${this.path} has schema version ${version}; this collector understands up to ${SCHEMA_VERSION}`,
        );
      }
      // Like the rollups' rebuild below, a one-off cost of opening a store written before it.
      moveSpansToRowidLayout(db);
      db.exec(SCHEMA_SQL);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
      // Prepared (and the topology rollups built) before the writer thread opens its connection.
      const reads = prepareReads(db);
      if (this.path === SQLITE_MEMORY) writer = new InlineWriter(db);
      else {
        const thread = new CheckpointThread(this.path);
        checkpoints = thread;
        await thread.start();
        const threaded = new WorkerWriter(this.path, {
          checkpoint: () => thread.request(),
          checkpointIntervalMs: CHECKPOINT_INTERVAL_MS,
        });
        writer = threaded;
        await threaded.start();
      }
      this.open = { ...reads, writer, checkpoints };
    } catch (err) {
      await writer?.close();
      await checkpoints?.close();
      db.close();
      throw err;
    }
  }

  async close(): Promise<void> {
    const open = this.open;
    this.open = undefined;
    if (!open) return;
    // Writes already queued finish first.
    await open.writer.close();
    await open.checkpoints?.close();
    open.db.close();
  }

  /** True on the threaded writer: `putSpans` with `deferVisibility` resolves before the spans are committed. */
  get deferredSpanVisibility(): boolean {
    return this.open?.writer.threaded ?? false;
  }

  async putSpans(spans: SpanRecord[], options: PutSpansOptions = {}): Promise<void> {
    if (spans.length === 0) return;
    const written = this.db().writer.write('putSpans', spansToRows(spans));
    if (!options.deferVisibility || !this.deferredSpanVisibility) return written;
    const tracked: Promise<void> = written.finally(() => this.deferredSpanWrites.delete(tracked));
    // Its failure is reported by makeSpansVisible, not as an unhandled rejection.
    tracked.catch(() => {});
    this.deferredSpanWrites.add(tracked);
  }

  async makeSpansVisible(): Promise<void> {
    await Promise.all([...this.deferredSpanWrites]);
  }

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
    await this.putDerived({ events, deliveries: [], edges: [] });
  }

  async putDeliveries(deliveries: DeliveryRecord[]): Promise<void> {
    await this.putDerived({ events: [], deliveries, edges: [] });
  }

  async putEdges(edges: CausalEdgeRecord[]): Promise<void> {
    await this.putDerived({ events: [], deliveries: [], edges });
  }

  async putDerived(records: DerivedRecords): Promise<void> {
    const count = records.events.length + records.deliveries.length + records.edges.length + (records.deadLetters?.length ?? 0);
    if (count > 0) await this.db().writer.write('putDerived', derivedToRows(records));
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
    if (samples.length > 0) await this.db().writer.write('putLagSamples', samples);
  }

  async getLagSamples(query: LagSampleQuery): Promise<LagSample[]> {
    return this.db().lag.get(query);
  }

  async deleteLagSamples(query: { resolutionMs: number; before: number }): Promise<void> {
    await this.db().writer.write('deleteLagSamples', query);
  }

  async putAlertRule(rule: AlertRule): Promise<void> {
    await this.db().writer.write('putAlertRule', rule);
  }

  async listAlertRules(): Promise<AlertRule[]> {
    return this.db().alerts.rules();
  }

  async deleteAlertRule(id: string): Promise<boolean> {
    return this.db().writer.write('deleteAlertRule', id);
  }

  async putAlertEvents(events: AlertEvent[]): Promise<void> {
    if (events.length > 0) await this.db().writer.write('putAlertEvents', events);
  }

  async listAlertEvents(query: AlertEventQuery): Promise<AlertEvent[]> {
    return this.db().alerts.events(query);
  }

  async putDeadLetters(records: DeadLetterRecord[]): Promise<void> {
    if (records.length > 0) await this.db().writer.write('putDeadLetters', records);
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
    if (entries.length > 0) await this.db().writer.write('putRedriveAudit', entries);
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

/** The reads, on the store's own connection. */
function prepareReads(db: Database.Database): Omit<Open, 'writer' | 'checkpoints'> {
  return {
    db,
    statements: new Statements(db),
    topology: new SqliteTopology(db),
    queueTime: new SqliteQueueTime(db),
    lag: new SqliteLagSamples(db),
    alerts: new SqliteAlerts(db),
    deadLetters: new SqliteDeadLetters(db),
    searches: new Map(),
  };
}

function pick(params: Record<string, unknown>, names: string[]): Record<string, unknown> {
  return Object.fromEntries(names.map((name) => [name, params[name]]));
}
