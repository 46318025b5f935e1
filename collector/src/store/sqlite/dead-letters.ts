/**
 * Dead-letter records and the redrive audit log over SQLite. Each is stored whole as JSON, with the
 * filtered and grouped fields in columns beside it ('' for an absent dimension, so grouping and
 * equality filters need no NULL handling).
 */
import type Database from 'better-sqlite3';
import type { DeadLetterRecord, DeadLetterSearch, HotspotDimension, HotspotQuery, HotspotRow, RedriveAuditEntry } from '../../deadletters/types.js';
import {
  compareHotspots,
  dimensionValue,
  emptyHotspotRange,
  fillSeries,
  hotspotBucketMs,
  MAX_HOTSPOT_ROWS,
  normaliseGroupBy,
} from '../../deadletters/hotspot-math.js';
import { clampLimit } from '../limits.js';

/** Most dead letters / audit entries one read returns. */
export const MAX_DEAD_LETTER_LIMIT = 1000;
export const MAX_REDRIVE_AUDIT_LIMIT = 10_000;

export interface DeadLetterRow {
  id: string;
  event_id: string;
  dead_lettered_at: number;
  fingerprint: string;
  consumer_group: string;
  service: string;
  event_type: string;
  producer_version: string;
  destination: string;
  reason: string;
  record: string;
}

/** Hotspot dimension → column. */
const COLUMNS: Record<HotspotDimension, string> = {
  fingerprint: 'fingerprint',
  group: 'consumer_group',
  eventType: 'event_type',
  producerVersion: 'producer_version',
  destination: 'destination',
  service: 'service',
};

/** searchDeadLetters filters, in a fixed order; a statement is built per combination used. */
const SEARCH_FILTERS = [
  ['fingerprint', 'fingerprint = @fingerprint'],
  ['group', 'consumer_group = @group'],
  ['service', 'service = @service'],
  ['eventType', 'event_type = @eventType'],
  ['destination', 'destination = @destination'],
  ['producerVersion', 'producer_version = @producerVersion'],
  ['reason', 'reason = @reason'],
] as const;
export type DeadLetterFilter = (typeof SEARCH_FILTERS)[number][0];

const AUDIT_FILTERS = [
  ['deadLetterId', 'dead_letter_id = @deadLetterId'],
  ['eventId', 'event_id = @eventId'],
  ['from', 'at >= @from'],
  ['to', 'at <= @to'],
] as const;
export type RedriveAuditFilter = (typeof AUDIT_FILTERS)[number][0];

const TIME_RANGE = 'dead_lettered_at >= @from AND dead_lettered_at <= @to';

export function deadLetterSearchSql(filters: readonly DeadLetterFilter[]): string {
  const clauses = [TIME_RANGE, ...SEARCH_FILTERS.filter(([name]) => filters.includes(name)).map(([, sql]) => sql)];
  return `SELECT record FROM dead_letters WHERE ${clauses.join(' AND ')} ORDER BY dead_lettered_at DESC, id LIMIT @limit`;
}

export function hotspotSql(dimensions: readonly HotspotDimension[]): string {
  const columns = dimensions.map((dimension) => COLUMNS[dimension]).join(', ');
  return `SELECT ${columns}, COUNT(*) AS count, MIN(dead_lettered_at) AS first_at, MAX(dead_lettered_at) AS last_at
    FROM dead_letters WHERE ${TIME_RANGE} GROUP BY ${columns} ORDER BY count DESC, ${columns} LIMIT ${MAX_HOTSPOT_ROWS}`;
}

/** Per hotspot row: its newest record, and its counts per bucket. */
export function hotspotDetailSql(dimensions: readonly HotspotDimension[]): { sample: string; series: string } {
  const where = [TIME_RANGE, ...dimensions.map((dimension) => `${COLUMNS[dimension]} = @${dimension}`)].join(' AND ');
  return {
    sample: `SELECT id, record ->> '$.error.type' AS error_type, record ->> '$.error.message' AS error_message
      FROM dead_letters WHERE ${where} ORDER BY dead_lettered_at DESC, id DESC LIMIT 1`,
    series: `SELECT CAST(floor(dead_lettered_at / @bucket) AS INTEGER) * @bucket AS t, COUNT(*) AS count
      FROM dead_letters WHERE ${where} GROUP BY 1`,
  };
}

export function redriveAuditSql(filters: readonly RedriveAuditFilter[]): string {
  const clauses = AUDIT_FILTERS.filter(([name]) => filters.includes(name)).map(([, sql]) => sql);
  const where = clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '';
  return `SELECT entry FROM redrive_audit ${where} ORDER BY at DESC, id LIMIT @limit`;
}

export const DEAD_LETTERS_BY_ID_SQL = 'SELECT record FROM dead_letters WHERE id IN (SELECT value FROM json_each(?))';

export function deadLetterToRow(record: DeadLetterRecord): DeadLetterRow {
  return {
    id: record.id,
    event_id: record.eventId,
    dead_lettered_at: record.deadLetteredAt,
    fingerprint: dimensionValue(record, 'fingerprint'),
    consumer_group: dimensionValue(record, 'group'),
    service: dimensionValue(record, 'service'),
    event_type: dimensionValue(record, 'eventType'),
    producer_version: dimensionValue(record, 'producerVersion'),
    destination: dimensionValue(record, 'destination'),
    reason: record.deadLetter.reason,
    record: JSON.stringify(record),
  };
}

export class SqliteDeadLetters {
  private readonly upsertDeadLetter: Database.Statement<DeadLetterRow>;
  private readonly byId: Database.Statement<[string], { record: string }>;
  private readonly insertAudit: (entries: RedriveAuditEntry[]) => void;
  private readonly statements = new Map<string, Database.Statement<Record<string, unknown>, Record<string, unknown>>>();

  constructor(private readonly db: Database.Database) {
    this.upsertDeadLetter = db.prepare<DeadLetterRow>(`INSERT OR REPLACE INTO dead_letters VALUES (
      @id, @event_id, @dead_lettered_at, @fingerprint, @consumer_group, @service, @event_type, @producer_version,
      @destination, @reason, @record)`);
    this.byId = db.prepare<[string], { record: string }>(DEAD_LETTERS_BY_ID_SQL);
    const upsertAudit = db.prepare<[string, string, string, number, string]>('INSERT OR REPLACE INTO redrive_audit VALUES (?, ?, ?, ?, ?)');
    this.insertAudit = db.transaction((entries: RedriveAuditEntry[]) => {
      for (const entry of entries) upsertAudit.run(entry.id, entry.deadLetterId, entry.eventId, entry.at, JSON.stringify(entry));
    });
  }

  /** Runs inside the caller's transaction when there is one (putDerived). */
  write(records: readonly DeadLetterRecord[]): void {
    for (const record of records) this.upsertDeadLetter.run(deadLetterToRow(record));
  }

  get(ids: string[]): DeadLetterRecord[] {
    if (ids.length === 0) return [];
    return this.byId.all(JSON.stringify([...new Set(ids)])).map((row) => JSON.parse(row.record) as DeadLetterRecord);
  }

  search(query: DeadLetterSearch): DeadLetterRecord[] {
    const limit = clampLimit(query.limit, MAX_DEAD_LETTER_LIMIT);
    if (limit === 0 || !(query.from <= query.to)) return [];
    const used = SEARCH_FILTERS.map(([name]) => name).filter((name) => query[name] !== undefined);
    const params: Record<string, unknown> = { limit, from: query.from, to: query.to };
    for (const name of used) params[name] = query[name];
    return this.statement(deadLetterSearchSql(used))
      .all(params)
      .map((row) => JSON.parse(row.record as string) as DeadLetterRecord);
  }

  hotspots(query: HotspotQuery): HotspotRow[] {
    if (emptyHotspotRange(query)) return [];
    const dimensions = normaliseGroupBy(query.groupBy);
    const bucketMs = hotspotBucketMs(query);
    const range = { from: query.from, to: query.to };
    const groups = this.statement(hotspotSql(dimensions)).all(range);
    const detail = hotspotDetailSql(dimensions);
    const rows = groups.map((group): HotspotRow => {
      const key: Partial<Record<HotspotDimension, string>> = {};
      const params: Record<string, unknown> = { ...range };
      for (const dimension of dimensions) {
        const value = String(group[COLUMNS[dimension]] ?? '');
        key[dimension] = value;
        params[dimension] = value;
      }
      const sample = this.statement(detail.sample).get(params) as { id: string; error_type: string | null; error_message: string | null } | undefined;
      const counts = new Map<number, number>();
      for (const point of this.statement(detail.series).all({ ...params, bucket: bucketMs })) counts.set(Number(point.t), Number(point.count));
      const row: HotspotRow = {
        key,
        count: Number(group.count),
        firstAt: Number(group.first_at),
        lastAt: Number(group.last_at),
        series: fillSeries(query.from, query.to, bucketMs, counts),
        sample: { id: sample?.id ?? '' },
      };
      if (sample?.error_type) row.sample.errorType = sample.error_type;
      if (sample?.error_message) row.sample.errorMessage = sample.error_message;
      return row;
    });
    return rows.sort(compareHotspots);
  }

  putAudit(entries: RedriveAuditEntry[]): void {
    if (entries.length > 0) this.insertAudit(entries);
  }

  audit(query: { deadLetterId?: string; eventId?: string; from?: number; to?: number; limit: number }): RedriveAuditEntry[] {
    const limit = clampLimit(query.limit, MAX_REDRIVE_AUDIT_LIMIT);
    if (limit === 0 || Number.isNaN(query.from) || Number.isNaN(query.to)) return [];
    const used = AUDIT_FILTERS.map(([name]) => name).filter((name) => query[name] !== undefined);
    const params: Record<string, unknown> = { limit };
    for (const name of used) params[name] = query[name];
    return this.statement(redriveAuditSql(used))
      .all(params)
      .map((row) => JSON.parse(row.entry as string) as RedriveAuditEntry);
  }

  /** Statements built on first use: one per combination of filters or dimensions (bounded: at most a few hundred). */
  private statement(sql: string): Database.Statement<Record<string, unknown>, Record<string, unknown>> {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare<Record<string, unknown>, Record<string, unknown>>(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

/** `EXPLAIN QUERY PLAN` inputs for the index test: a representative set of the reads above. */
export function deadLetterPlanInputs(): Array<[string, string, Record<string, unknown> | unknown[]]> {
  const range = { from: 0, to: 1 };
  const plans: Array<[string, string, Record<string, unknown> | unknown[]]> = [['getDeadLetters', DEAD_LETTERS_BY_ID_SQL, ['[]']]];
  const searches: DeadLetterFilter[][] = [[], ['fingerprint'], ['group'], ['service'], ['eventType'], ['destination'], ['producerVersion'], ['reason'], ['fingerprint', 'group']];
  for (const filters of searches) {
    const params: Record<string, unknown> = { ...range, limit: 1 };
    for (const name of filters) params[name] = 'x';
    plans.push([`searchDeadLetters(${filters.join(',')})`, deadLetterSearchSql(filters), params]);
  }
  for (const dimensions of [['fingerprint'], ['fingerprint', 'group'], ['group', 'eventType', 'producerVersion']] as HotspotDimension[][]) {
    const params: Record<string, unknown> = { ...range };
    for (const dimension of dimensions) params[dimension] = 'x';
    const detail = hotspotDetailSql(dimensions);
    plans.push([`deadLetterHotspots(${dimensions.join(',')})`, hotspotSql(dimensions), range]);
    plans.push([`deadLetterHotspots.sample(${dimensions.join(',')})`, detail.sample, params]);
    plans.push([`deadLetterHotspots.series(${dimensions.join(',')})`, detail.series, { ...params, bucket: 1 }]);
  }
  for (const filters of [[], ['deadLetterId'], ['eventId'], ['from', 'to']] as RedriveAuditFilter[][]) {
    const params: Record<string, unknown> = { limit: 1 };
    for (const name of filters) params[name] = name === 'from' || name === 'to' ? 0 : 'x';
    plans.push([`listRedriveAudit(${filters.join(',')})`, redriveAuditSql(filters), params]);
  }
  return plans;
}
