/**
 * Moving a database's spans to the rowid layout (`SPANS_TABLE_SQL` says why). Stores written before
 * it keep spans in a table clustered on (trace_id, span_id), WITHOUT ROWID; opening one rebuilds
 * that table once, in one transaction, so a crash midway leaves the former table as it was. The
 * columns are the same, so collectors of either layout read and write both: the schema version
 * does not change.
 */
import type Database from 'better-sqlite3';
import { SPANS_TABLE_SQL } from './schema.js';
import { SPAN_COLUMNS } from './writes.js';

const SPANS_DEFINITION_SQL = "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'spans'";

/** True when the database has a spans table in the former, clustered layout. */
export function hasClusteredSpans(db: Database.Database): boolean {
  const definition = db.prepare(SPANS_DEFINITION_SQL).pluck().get() as string | undefined;
  return definition !== undefined && /\bWITHOUT\s+ROWID\b/i.test(definition);
}

/**
 * Rebuilds a clustered spans table as a rowid table (nothing to do otherwise). Run before
 * `SCHEMA_SQL`, which then recreates the spans' other indices (dropped with the former table).
 */
export function moveSpansToRowidLayout(db: Database.Database): void {
  if (!hasClusteredSpans(db)) return;
  db.transaction(() => {
    db.exec('ALTER TABLE spans RENAME TO spans_clustered');
    db.exec(SPANS_TABLE_SQL);
    // Read in the former key order, so the new key index fills by appends.
    const columns = SPAN_COLUMNS.join(', ');
    db.exec(`INSERT INTO spans (${columns}) SELECT ${columns} FROM spans_clustered ORDER BY trace_id, span_id`);
    db.exec('DROP TABLE spans_clustered');
  })();
}
