/**
 * Alert rules and alert history over SQLite. Both are stored whole as JSON (the store never
 * queries into a rule); history keeps the filtered fields in columns beside the JSON.
 */
import type Database from 'better-sqlite3';
import type { AlertEvent, AlertEventQuery, AlertRule } from '../../alerts/types.js';
import { clampLimit, MAX_ALERT_EVENT_LIMIT } from '../limits.js';

interface AlertEventRow {
  id: string;
  at: number;
  rule_id: string;
  consumer_group: string;
  event: string;
}

/** listAlertEvents filters, in a fixed order; a statement is built per combination used. */
const EVENT_FILTERS = [
  ['from', 'at >= @from'],
  ['to', 'at <= @to'],
  ['ruleId', 'rule_id = @ruleId'],
  ['group', 'consumer_group = @group'],
] as const;

export type AlertEventFilter = (typeof EVENT_FILTERS)[number][0];

export function alertEventsSql(filters: readonly AlertEventFilter[]): string {
  const clauses = EVENT_FILTERS.filter(([name]) => filters.includes(name)).map(([, sql]) => sql);
  const where = clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '';
  return `SELECT event FROM alert_events ${where} ORDER BY at DESC, id LIMIT @limit`;
}

export const LIST_ALERT_RULES_SQL = 'SELECT rule FROM alert_rules ORDER BY id';

export class SqliteAlerts {
  private readonly upsertRule: Database.Statement<[string, string]>;
  private readonly listRules: Database.Statement<[], { rule: string }>;
  private readonly deleteRule: Database.Statement<[string]>;
  private readonly insertEvents: (events: AlertEvent[]) => void;
  private readonly reads = new Map<string, Database.Statement<Record<string, unknown>, { event: string }>>();

  constructor(private readonly db: Database.Database) {
    this.upsertRule = db.prepare('INSERT OR REPLACE INTO alert_rules (id, rule) VALUES (?, ?)');
    this.listRules = db.prepare(LIST_ALERT_RULES_SQL);
    this.deleteRule = db.prepare('DELETE FROM alert_rules WHERE id = ?');
    const upsertEvent = db.prepare<AlertEventRow>('INSERT OR REPLACE INTO alert_events VALUES (@id, @at, @rule_id, @consumer_group, @event)');
    this.insertEvents = db.transaction((events: AlertEvent[]) => {
      for (const event of events) {
        upsertEvent.run({ id: event.id, at: event.at, rule_id: event.ruleId, consumer_group: event.group, event: JSON.stringify(event) });
      }
    });
  }

  putRule(rule: AlertRule): void {
    this.upsertRule.run(rule.id, JSON.stringify(rule));
  }

  rules(): AlertRule[] {
    return this.listRules.all().map((row) => JSON.parse(row.rule) as AlertRule);
  }

  removeRule(id: string): boolean {
    return this.deleteRule.run(id).changes > 0;
  }

  putEvents(events: AlertEvent[]): void {
    if (events.length > 0) this.insertEvents(events);
  }

  events(query: AlertEventQuery): AlertEvent[] {
    const limit = clampLimit(query.limit, MAX_ALERT_EVENT_LIMIT);
    if (limit === 0 || Number.isNaN(query.from) || Number.isNaN(query.to)) return [];
    const used = EVENT_FILTERS.map(([name]) => name).filter((name) => query[name] !== undefined);
    const key = used.join(',');
    let statement = this.reads.get(key);
    if (!statement) {
      statement = this.db.prepare<Record<string, unknown>, { event: string }>(alertEventsSql(used));
      this.reads.set(key, statement);
    }
    const params: Record<string, unknown> = { limit };
    for (const name of used) params[name] = query[name];
    return statement.all(params).map((row) => JSON.parse(row.event) as AlertEvent);
  }
}
