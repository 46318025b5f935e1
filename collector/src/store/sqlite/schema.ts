/**
 * SQLite schema. Every look-up of the store contract has an index (noted beside each one); ids are
 * the records' deterministic ids, so an upsert on the id makes every write a full overwrite.
 * New tables and indices are added with IF NOT EXISTS, so an older database gains them on open
 * without a version bump. Free-form maps (attributes, resource, links, events) are JSON text: the store returns them,
 * never queries into them.
 */

import { TOPOLOGY_ROLLUP_SQL } from './topology-rollup-sql.js';

/**
 * Bumped when the schema changes incompatibly; a newer database is refused, not misread.
 * 2: topology rollups kept by triggers. A collector of version 1 writes with INSERT OR REPLACE,
 * whose implicit delete fires no trigger, so it would count rewritten records twice: it must refuse.
 * 3: coarser rollup levels complete up to a bound and compacted from finer ones. A collector of
 * version 2 would add back its triggers (which add every record to every level) beside the new
 * ones and count records twice: it must refuse too. Opening a version-2 database drops them.
 */
export const SCHEMA_VERSION = 3;

/**
 * Spans in a rowid table, keyed by a unique index: SDKs' trace and span ids are random, and a table
 * clustered on them (WITHOUT ROWID, as it was) took each new span into a random page of ~6 large
 * rows, so a batch's commit wrote most of the table's pages it touched in full: 13.5 KiB of WAL per
 * ingested span against 8.5 with the rows appended and only the small index entries scattered
 * (`sqlite-writes-micro.ts`, spans 27–28 against 16–17 µs per span). `spans-layout.ts` rebuilds a
 * table of the former layout when the store opens.
 */
export const SPANS_TABLE_SQL = `CREATE TABLE IF NOT EXISTS spans (
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
  events TEXT NOT NULL
);
-- The span's key: upserts, and getTraceSpans and getSpans (trace id first).
CREATE UNIQUE INDEX IF NOT EXISTS spans_by_id ON spans (trace_id, span_id);
`;

export const SCHEMA_SQL = `
${SPANS_TABLE_SQL}-- findRelatedSpans by message id; covering, so the correlator's key look-ups never read the rows.
CREATE INDEX IF NOT EXISTS spans_by_message_id ON spans (message_id, trace_id, span_id) WHERE message_id IS NOT NULL;

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
-- Time in queue per group and destination (queueTimeSeries): covering, so the scan never reads the
-- table rows; only deliveries with a queue time.
CREATE INDEX IF NOT EXISTS deliveries_queue_time ON deliveries (received_at, consumer_group, destination, queue_ms)
  WHERE queue_ms IS NOT NULL;

-- Lag samples. The primary key is the sample id's columns with the time second, so it is also the
-- (resolution, at) index: reads by time range, oldest first, and retention deletes walk it in order,
-- and each poll's samples append at its end.
CREATE TABLE IF NOT EXISTS lag_samples (
  resolution_ms INTEGER NOT NULL,
  at REAL NOT NULL,
  cluster TEXT NOT NULL,
  consumer_group TEXT NOT NULL,
  destination TEXT NOT NULL,
  partition INTEGER NOT NULL,
  system TEXT NOT NULL,
  lag REAL NOT NULL,
  lag_seconds REAL,
  drain_seconds REAL,
  position REAL,
  log_start REAL,
  log_end REAL,
  ready REAL,
  unacked REAL,
  members INTEGER NOT NULL,
  status TEXT NOT NULL,
  -- NULL when the sample does not say, else 0 or 1
  no_commit INTEGER,
  PRIMARY KEY (resolution_ms, at, cluster, consumer_group, destination, partition)
) WITHOUT ROWID;
-- getLagSamples filtered by group (the API's usual question)
CREATE INDEX IF NOT EXISTS lag_samples_by_group ON lag_samples (resolution_ms, consumer_group, at);

-- API-defined alert rules, whole as JSON.
CREATE TABLE IF NOT EXISTS alert_rules (
  id TEXT PRIMARY KEY,
  rule TEXT NOT NULL
) WITHOUT ROWID;

-- Alert history, whole as JSON, with the filtered columns beside it.
CREATE TABLE IF NOT EXISTS alert_events (
  id TEXT PRIMARY KEY,
  at REAL NOT NULL,
  rule_id TEXT NOT NULL,
  consumer_group TEXT NOT NULL,
  event TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS alert_events_by_at ON alert_events (at, id);
CREATE INDEX IF NOT EXISTS alert_events_by_rule ON alert_events (rule_id, at);
CREATE INDEX IF NOT EXISTS alert_events_by_group ON alert_events (consumer_group, at);
-- Dead letters, whole as JSON, with the filtered and grouped fields beside it ('' when absent).
CREATE TABLE IF NOT EXISTS dead_letters (
  id TEXT PRIMARY KEY,
  event_id TEXT NOT NULL,
  dead_lettered_at REAL NOT NULL,
  fingerprint TEXT NOT NULL,
  consumer_group TEXT NOT NULL,
  service TEXT NOT NULL,
  event_type TEXT NOT NULL,
  producer_version TEXT NOT NULL,
  destination TEXT NOT NULL,
  reason TEXT NOT NULL,
  record TEXT NOT NULL
);
-- searchDeadLetters by time (newest first) and hotspots over a time range
CREATE INDEX IF NOT EXISTS dead_letters_by_at ON dead_letters (dead_lettered_at, id);
-- searchDeadLetters filtered by one field, and each hotspot row's sample and trend
CREATE INDEX IF NOT EXISTS dead_letters_by_fingerprint ON dead_letters (fingerprint, dead_lettered_at);
CREATE INDEX IF NOT EXISTS dead_letters_by_group ON dead_letters (consumer_group, dead_lettered_at);
CREATE INDEX IF NOT EXISTS dead_letters_by_service ON dead_letters (service, dead_lettered_at);
CREATE INDEX IF NOT EXISTS dead_letters_by_event_type ON dead_letters (event_type, dead_lettered_at);
CREATE INDEX IF NOT EXISTS dead_letters_by_destination ON dead_letters (destination, dead_lettered_at);
CREATE INDEX IF NOT EXISTS dead_letters_by_producer_version ON dead_letters (producer_version, dead_lettered_at);
CREATE INDEX IF NOT EXISTS dead_letters_by_reason ON dead_letters (reason, dead_lettered_at);

-- Redrive audit log, whole as JSON.
CREATE TABLE IF NOT EXISTS redrive_audit (
  id TEXT PRIMARY KEY,
  dead_letter_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  at REAL NOT NULL,
  entry TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS redrive_audit_by_at ON redrive_audit (at, id);
CREATE INDEX IF NOT EXISTS redrive_audit_by_dead_letter ON redrive_audit (dead_letter_id, at);
CREATE INDEX IF NOT EXISTS redrive_audit_by_event ON redrive_audit (event_id, at);

-- Topology rollups per time bucket, edge key and latency bucket, kept by the writer (new records,
-- grouped per write), by triggers on events and deliveries (updates and deletes) and by compaction
-- into coarser levels; built from the tables on open when missing (topology-rollup-sql.ts).
${TOPOLOGY_ROLLUP_SQL}
`;
