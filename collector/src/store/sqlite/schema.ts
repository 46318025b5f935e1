/**
 * SQLite schema. Every look-up of the store contract has an index (noted beside each one); ids are
 * the records' deterministic ids, so `INSERT OR REPLACE` makes every write a full overwrite.
 * Free-form maps (attributes, resource, links, events) are JSON text: the store returns them,
 * never queries into them.
 */

/** Bumped when the schema changes incompatibly; a newer database is refused, not misread. */
export const SCHEMA_VERSION = 1;

export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS spans (
  trace_id TEXT NOT NULL,
  span_id TEXT NOT NULL,
  parent_span_id TEXT,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  start_time REAL NOT NULL,
  end_time REAL NOT NULL,
  start_time_unix_nano TEXT NOT NULL,
  duration_ms REAL NOT NULL,
  status_code TEXT NOT NULL,
  status_message TEXT,
  service TEXT NOT NULL,
  -- messaging.message.id, for findRelatedSpans
  message_id TEXT,
  resource TEXT NOT NULL,
  scope TEXT,
  attributes TEXT NOT NULL,
  links TEXT NOT NULL,
  events TEXT NOT NULL,
  -- getTraceSpans and getSpans use the primary key (trace id first)
  PRIMARY KEY (trace_id, span_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS spans_by_message_id ON spans (message_id) WHERE message_id IS NOT NULL;

-- Which span links to which: findRelatedSpans by link target span id.
CREATE TABLE IF NOT EXISTS span_links (
  target_span_id TEXT NOT NULL,
  trace_id TEXT NOT NULL,
  span_id TEXT NOT NULL,
  PRIMARY KEY (target_span_id, trace_id, span_id)
) WITHOUT ROWID;
-- Rewriting a span replaces its links: delete by the linking span.
CREATE INDEX IF NOT EXISTS span_links_by_span ON span_links (trace_id, span_id);

CREATE TABLE IF NOT EXISTS events (
  id TEXT PRIMARY KEY,
  type TEXT,
  system TEXT,
  destination TEXT,
  producer_service TEXT NOT NULL,
  trace_id TEXT NOT NULL,
  span_id TEXT NOT NULL,
  published_at REAL NOT NULL,
  send_duration_ms REAL NOT NULL,
  send_error INTEGER NOT NULL,
  attributes TEXT NOT NULL
);
-- searchEvents (unfiltered or by time) and producer topology
CREATE INDEX IF NOT EXISTS events_by_published_at ON events (published_at);
-- searchEvents filtered by type, service or destination, newest first
CREATE INDEX IF NOT EXISTS events_by_type ON events (type, published_at);
CREATE INDEX IF NOT EXISTS events_by_service ON events (producer_service, published_at);
CREATE INDEX IF NOT EXISTS events_by_destination ON events (destination, published_at);

CREATE TABLE IF NOT EXISTS deliveries (
  id TEXT PRIMARY KEY,
  event_id TEXT NOT NULL,
  service TEXT NOT NULL,
  consumer_group TEXT,
  system TEXT,
  destination TEXT,
  outcome TEXT NOT NULL,
  received_at REAL NOT NULL,
  processed_at REAL NOT NULL,
  duration_ms REAL NOT NULL,
  queue_ms REAL,
  -- deliveryLatencyMs(), kept so that topology sorts it in SQL
  latency_ms REAL NOT NULL,
  trace_id TEXT NOT NULL,
  span_id TEXT NOT NULL,
  attributes TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS deliveries_by_event ON deliveries (event_id);
-- consumer topology
CREATE INDEX IF NOT EXISTS deliveries_by_received_at ON deliveries (received_at);

CREATE TABLE IF NOT EXISTS edges (
  id TEXT PRIMARY KEY,
  from_id TEXT NOT NULL,
  to_id TEXT NOT NULL,
  at REAL NOT NULL,
  via TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS edges_by_from ON edges (from_id);
CREATE INDEX IF NOT EXISTS edges_by_to ON edges (to_id);
`;
