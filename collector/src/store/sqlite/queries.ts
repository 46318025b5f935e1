/**
 * The SQL of every read, in one place so that `SqliteStore.queryPlans()` can show (and the tests
 * check) that each one is answered from an index.
 */

const SPAN_ORDER = 'ORDER BY start_time, trace_id, span_id';
/** A JSON array parameter expanded to rows: any number of ids in one bound parameter. */
const IDS = 'SELECT value FROM json_each(?)';

export const READS = {
  traceSpans: `SELECT * FROM spans WHERE trace_id IN (${IDS}) ${SPAN_ORDER}`,
  spansByKey: `SELECT * FROM spans WHERE (trace_id, span_id) IN (SELECT value ->> 0, value ->> 1 FROM json_each(?)) ${SPAN_ORDER}`,
  // CROSS JOIN fixes the join order in SQLite: the (few) matching keys first, then a primary-key
  // look-up per key. With a row-value IN instead, the planner scans the whole spans table.
  relatedSpans: `SELECT spans.* FROM (
      SELECT trace_id, span_id FROM span_links WHERE target_span_id IN (${IDS})
      UNION
      SELECT trace_id, span_id FROM spans WHERE message_id IN (${IDS})
    ) AS related CROSS JOIN spans ON spans.trace_id = related.trace_id AND spans.span_id = related.span_id
    ORDER BY spans.start_time, spans.trace_id, spans.span_id`,
  relatedSpanKeys: `SELECT trace_id, span_id FROM (
      SELECT trace_id, span_id FROM span_links WHERE target_span_id IN (${IDS})
      UNION
      SELECT trace_id, span_id FROM spans WHERE message_id IN (${IDS})
    ) WHERE trace_id NOT IN (${IDS})`,
  eventsById: `SELECT * FROM events WHERE id IN (${IDS}) ORDER BY id`,
  deliveriesByEvent: `SELECT * FROM deliveries WHERE event_id IN (${IDS}) ORDER BY id`,
  edgesTo: `SELECT * FROM edges WHERE to_id IN (${IDS}) ORDER BY id`,
  edgesFrom: `SELECT * FROM edges WHERE from_id IN (${IDS}) ORDER BY id`,
} as const;

/** searchEvents filters, in a fixed order; a statement is built per combination used. */
export const SEARCH_FILTERS = [
  ['type', 'type = @type'],
  ['service', 'producer_service = @service'],
  ['destination', 'destination = @destination'],
  ['from', 'published_at >= @from'],
  ['to', 'published_at <= @to'],
] as const;

export type SearchFilter = (typeof SEARCH_FILTERS)[number][0];

export function searchSql(filters: SearchFilter[]): string {
  const clauses = SEARCH_FILTERS.filter(([name]) => filters.includes(name)).map(([, sql]) => sql);
  const where = clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '';
  return `SELECT * FROM events ${where} ORDER BY published_at DESC, id LIMIT @limit`;
}
