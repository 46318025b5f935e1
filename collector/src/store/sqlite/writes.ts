/**
 * Every write of the SQLite store, prepared on one connection: the writer's (`writer.ts`), which
 * runs them on a worker thread for a database file or inline for `:memory:`. Arguments are what
 * crosses to the worker: the hot records (spans, events, deliveries, edges) arrive as rows built on
 * the caller's thread, which copy between threads ~4× cheaper than the nested records; the rest is
 * small and goes as records.
 *
 * A row is the array of its values in its table's column order (`RowValues`), bound as positional
 * parameters. Structured clone writes every key of every object and the thread re-creates each
 * object key by key: with arrays, the correlator and this store used 8–10 % less CPU per span in
 * `bench/ingest/correlator-micro.ts` (docs/performance.md, ninth round).
 *
 * Each call is one transaction (one fsync at `synchronous=FULL`): all of it or none of it.
 */
import type Database from 'better-sqlite3';
import type { AlertEvent, AlertRule } from '../../alerts/types.js';
import type { DeadLetterRecord, RedriveAuditEntry } from '../../deadletters/types.js';
import type { LagSample } from '../../lag/types.js';
import { SqliteAlerts } from './alerts.js';
import { SqliteDeadLetters } from './dead-letters.js';
import { SqliteLagSamples } from './lag.js';
import type { DeliveryRow, EdgeRow, EventRow, SpanRow } from './rows.js';
import { prepareCompaction } from './topology.js';
import { addRowsSql, COMPACTION_INTERVAL_MS, CONSUMER_SOURCE, PRODUCER_SOURCE, type RollupSource } from './topology-rollup-sql.js';

/** A row's values in the order of `Columns` (its statement's positional parameters). */
export type RowValues<Row, Columns extends readonly (keyof Row)[]> = { -readonly [I in keyof Columns]: Row[Columns[I] & keyof Row] };

/** Spans as rows, and beside each row the span ids its links point to. */
export interface SpanRows {
  rows: SpanValues[];
  linkTargets: string[][];
}

/** A correlator pass's derived records as rows; dead letters as records (few, merged by the caller). */
export interface DerivedRows {
  events: EventValues[];
  deliveries: DeliveryValues[];
  edges: EdgeValues[];
  deadLetters?: DeadLetterRecord[];
}

export interface SqliteWrites {
  putSpans(spans: SpanRows): void;
  putDerived(records: DerivedRows): void;
  putDeadLetters(records: DeadLetterRecord[]): void;
  putLagSamples(samples: LagSample[]): void;
  deleteLagSamples(query: { resolutionMs: number; before: number }): Promise<void>;
  putAlertRule(rule: AlertRule): void;
  deleteAlertRule(id: string): boolean;
  putAlertEvents(events: AlertEvent[]): void;
  putRedriveAudit(entries: RedriveAuditEntry[]): void;
}

export type WriteName = keyof SqliteWrites;

export const SPAN_COLUMNS = [
  'trace_id', 'span_id', 'parent_span_id', 'name', 'kind', 'start_time', 'end_time', 'start_time_unix_nano',
  'duration_ms', 'status_code', 'status_message', 'service', 'message_id', 'resource', 'scope', 'attributes',
  'links', 'events',
] as const satisfies ReadonlyArray<keyof SpanRow>;
export const EVENT_COLUMNS = [
  'id', 'type', 'system', 'destination', 'producer_service', 'trace_id', 'span_id', 'published_at',
  'send_duration_ms', 'send_error', 'attributes',
] as const satisfies ReadonlyArray<keyof EventRow>;
export const DELIVERY_COLUMNS = [
  'id', 'event_id', 'service', 'consumer_group', 'system', 'destination', 'outcome', 'received_at',
  'processed_at', 'duration_ms', 'queue_ms', 'latency_ms', 'trace_id', 'span_id', 'attributes',
] as const satisfies ReadonlyArray<keyof DeliveryRow>;
export const EDGE_COLUMNS = ['id', 'from_id', 'to_id', 'at', 'via'] as const satisfies ReadonlyArray<keyof EdgeRow>;

export type SpanValues = RowValues<SpanRow, typeof SPAN_COLUMNS>;
export type EventValues = RowValues<EventRow, typeof EVENT_COLUMNS>;
export type DeliveryValues = RowValues<DeliveryRow, typeof DELIVERY_COLUMNS>;
export type EdgeValues = RowValues<EdgeRow, typeof EDGE_COLUMNS>;

/**
 * A whole-row upsert that updates in place on a known key. Unlike `INSERT OR REPLACE` (delete, then
 * insert), an update leaves untouched every index whose columns did not change, skips the write
 * when nothing changed (re-derived records mostly are the same), and fires UPDATE triggers rather
 * than a DELETE that REPLACE does not report.
 */
function upsert(table: string, key: readonly string[], columns: readonly string[]): string {
  const values = columns.map(() => '?').join(', ');
  const rest = columns.filter((column) => !key.includes(column));
  const set = rest.map((column) => `${column} = excluded.${column}`).join(', ');
  const changed = rest.map((column) => `${table}.${column} IS NOT excluded.${column}`).join(' OR ');
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${values})
    ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${set} WHERE ${changed}`;
}

/** An insert that does nothing on a known key: `changes` tells a new row from a known one. */
function insertNew(table: string, key: readonly string[], columns: readonly string[]): string {
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')}) ON CONFLICT (${key.join(', ')}) DO NOTHING`;
}

/**
 * Rows of a rolled-up table (`topology-rollup-sql.ts`) as the writer writes them: a new row goes
 * in with a plain insert and waits, by rowid, to be added to the rollups with the write's other
 * new rows in one grouped statement (`flush`); a known one is upserted, and the update trigger
 * moves it in the rollups. Rows still waiting are flushed before any update, so the trigger always
 * finds the old row counted.
 */
class RolledUpRows<Values extends unknown[]> {
  private readonly insert: Database.Statement<[Values]>;
  private readonly update: Database.Statement<[Values]>;
  private readonly addKeys: Database.Statement<[{ rows: string }]>;
  private readonly addRows: Database.Statement<[{ rows: string }]>;
  private pending: number[] = [];

  constructor(db: Database.Database, source: RollupSource, columns: readonly string[], private readonly flushAll: () => void) {
    this.insert = db.prepare<[Values]>(insertNew(source.table, ['id'], columns));
    this.update = db.prepare<[Values]>(upsert(source.table, ['id'], columns));
    const [addKeys, addRows] = addRowsSql(source);
    this.addKeys = db.prepare<[{ rows: string }]>(addKeys);
    this.addRows = db.prepare<[{ rows: string }]>(addRows);
  }

  write(row: Values): void {
    const inserted = this.insert.run(row);
    if (inserted.changes > 0) {
      this.pending.push(Number(inserted.lastInsertRowid));
      return;
    }
    this.flushAll();
    this.update.run(row);
  }

  /**
   * Forgets rows left waiting by a transaction that failed before its flush: rolled back, their
   * rowids may be given to other rows.
   */
  discard(): void {
    this.pending = [];
  }

  /** Adds the rows waiting to the rollups. */
  flush(): void {
    if (this.pending.length === 0) return;
    const rows = { rows: JSON.stringify(this.pending) };
    this.pending = [];
    this.addKeys.run(rows);
    this.addRows.run(rows);
  }
}

export function prepareWrites(db: Database.Database): SqliteWrites {
  // An array argument binds its elements as the positional parameters, in order.
  const insertSpan = db.prepare<[SpanValues]>(insertNew('spans', ['trace_id', 'span_id'], SPAN_COLUMNS));
  const upsertSpan = db.prepare<[SpanValues]>(upsert('spans', ['trace_id', 'span_id'], SPAN_COLUMNS));
  const deleteSpanLinks = db.prepare<[string, string]>('DELETE FROM span_links WHERE trace_id = ? AND span_id = ?');
  const insertSpanLink = db.prepare<[string, string, string]>(
    'INSERT OR IGNORE INTO span_links (target_span_id, trace_id, span_id) VALUES (?, ?, ?)',
  );
  const flushRollups = (): void => {
    events.flush();
    deliveries.flush();
  };
  const events = new RolledUpRows<EventValues>(db, PRODUCER_SOURCE, EVENT_COLUMNS, flushRollups);
  const deliveries = new RolledUpRows<DeliveryValues>(db, CONSUMER_SOURCE, DELIVERY_COLUMNS, flushRollups);
  const upsertEdge = db.prepare<[EdgeValues]>(upsert('edges', ['id'], EDGE_COLUMNS));
  const compact = prepareCompaction(db);
  let compactedAt = 0;
  const deadLetters = new SqliteDeadLetters(db);
  const lag = new SqliteLagSamples(db);
  const alerts = new SqliteAlerts(db);

  const putSpans = db.transaction(({ rows, linkTargets }: SpanRows) => {
    rows.forEach((row, i) => {
      const [traceId, spanId] = row;
      // A new span has no links yet. A span sent again is rewritten and its links replaced: the
      // last copy of a span sent twice wins, links too.
      if (insertSpan.run(row).changes === 0) {
        upsertSpan.run(row);
        deleteSpanLinks.run(traceId, spanId);
      }
      for (const target of linkTargets[i] ?? []) insertSpanLink.run(target, traceId, spanId);
    });
  });
  // All kinds (dead letters too) in one transaction: one fsync per correlator pass instead of three.
  const putDerived = db.transaction((records: DerivedRows) => {
    events.discard();
    deliveries.discard();
    for (const row of records.events) events.write(row);
    for (const row of records.deliveries) deliveries.write(row);
    // Before the compaction below, which sums the finest level into the coarser ones.
    flushRollups();
    for (const row of records.edges) upsertEdge.run(row);
    if (records.deadLetters) deadLetters.write(records.deadLetters);
    // The topology rollups' coarser levels follow the clock (topology-rollup-sql.ts); in the same
    // commit as the records, and only while records come in.
    const now = Date.now();
    if (now - compactedAt >= COMPACTION_INTERVAL_MS && (records.events.length > 0 || records.deliveries.length > 0)) {
      compact(now);
      compactedAt = now;
    }
  });
  const putDeadLetters = db.transaction((records: DeadLetterRecord[]) => deadLetters.write(records));

  return {
    putSpans: (spans) => {
      if (spans.rows.length > 0) putSpans(spans);
    },
    putDerived: (records) => {
      const count = records.events.length + records.deliveries.length + records.edges.length + (records.deadLetters?.length ?? 0);
      if (count > 0) putDerived(records);
    },
    putDeadLetters: (records) => {
      if (records.length > 0) putDeadLetters(records);
    },
    putLagSamples: (samples) => lag.put(samples),
    deleteLagSamples: (query) => lag.delete(query),
    putAlertRule: (rule) => alerts.putRule(rule),
    deleteAlertRule: (id) => alerts.removeRule(id),
    putAlertEvents: (events) => alerts.putEvents(events),
    putRedriveAudit: (entries) => deadLetters.putAudit(entries),
  };
}
