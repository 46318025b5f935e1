/**
 * Topology rollups kept inside SQLite, so that a topology query reads a few thousand
 * pre-aggregated rows instead of every delivery of the range.
 *
 * One rollup row per (time level, bucket start, edge key, latency bucket) holds the count, the
 * errors and the sum of latencies (in whole microseconds, so that adding and subtracting are exact)
 * of the records whose time falls in `[start, start + level_ms)`. Rows that reach a count of 0 are
 * deleted.
 *
 * The finest level (1 min) always equals the tables once a write transaction commits: the store's
 * writes add the records they insert, one grouped statement per write (`addRowsSql`, run by
 * `writes.ts` before anything else touches the rollups in that transaction); triggers on `events`
 * and `deliveries` subtract the old and add the new on AFTER UPDATE (only when a column the topology
 * reads changed), and subtract on AFTER DELETE. An AFTER INSERT trigger did the adding one record
 * at a time until the fourteenth round of docs/performance.md: a rollup upsert per record, ~6 µs
 * of the writer's ~23 per ingested span. A coarser level holds the buckets that start
 * before its `complete_until` (in `topology_level_state`), and none after: a record is added to it
 * only when its time is before that bound, and the store moves the bound forward by
 * compacting the level below (`compactSql`: closed buckets summed from finer cells, a few thousand
 * cells instead of every record). The bounds trail the clock by `COMPACTION_DELAY_MS`, so a record
 * that arrives in time costs one rollup upsert instead of one per level: the four levels' upserts
 * were ~13 % of the collector's CPU under SQLite ingest (docs/performance.md, twelfth round). A
 * late record still goes into every level whose bound it is under. The store updates with
 * `INSERT … ON CONFLICT DO UPDATE … WHERE <changed>`, so a re-sent record that changed nothing fires
 * no trigger at all.
 *
 * Latency buckets are logarithmic with ratio GAMMA from 1 µs (bucket 1 holds [1 µs, GAMMA µs)),
 * mirrored for negative latencies (clock skew), with bucket 0 for |latency| < 1 µs. Percentiles are
 * read as the mean latency of the bucket holding the nearest rank: exact when the bucket's
 * latencies are equal, otherwise off by less than GAMMA − 1 (2 %) of the exact nearest-rank value,
 * plus at most 0.5 µs of rounding.
 *
 * The levels and their bounds live in `topology_level_state`, filled by `SqliteTopology` on open
 * together with the format stamp in `topology_rollup_state`; a database whose stamp differs (older
 * than the rollups, or other levels) is rebuilt from the tables in one write transaction. The
 * bucket expressions are compiled into the triggers: changing GAMMA needs new trigger names and a
 * new format stamp.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Time levels, finest first; each divides the next. A range is answered with the coarsest buckets
 * that fit inside it, finer ones towards its edges, and raw rows for the partial minutes at both
 * ends. 10 min and 6 h keep the number of rollup rows read small for 1 h and 24 h ranges.
 */
export const ROLLUP_LEVELS_MS: readonly number[] = [MINUTE, 10 * MINUTE, HOUR, 6 * HOUR];

/** Ratio between consecutive latency bucket bounds. */
export const LATENCY_GAMMA = 1.02;

/** Stamped in `topology_rollup_state`: a database with another stamp is rebuilt on open. */
export const ROLLUP_FORMAT = `v2;gamma=${LATENCY_GAMMA};levels=${ROLLUP_LEVELS_MS.join(',')}`;

/**
 * How far the coarser levels' bounds trail the clock: records up to this old when they arrive go
 * into the finest level only. A topology read then takes up to ~this long of 1-minute buckets
 * where it would have taken 10-minute ones.
 */
export const COMPACTION_DELAY_MS = 15 * MINUTE;

/** The least time between two compactions by the writer (`prepareWrites`). */
export const COMPACTION_INTERVAL_MS = 10_000;

const LN_GAMMA = Math.log(LATENCY_GAMMA).toPrecision(17);

/** Latency bucket of a latency in ms (an SQL expression); monotone in the latency. */
export function latencyBucketSql(latencyMs: string): string {
  return `(CASE WHEN ${latencyMs} >= 0.001 THEN 1 + CAST(ln(${latencyMs} * 1000.0) / ${LN_GAMMA} AS INTEGER)
    WHEN ${latencyMs} <= -0.001 THEN -1 - CAST(ln(-${latencyMs} * 1000.0) / ${LN_GAMMA} AS INTEGER) ELSE 0 END)`;
}

/** Latency in whole microseconds: integer sums add and subtract without drift. */
function latencyMicrosSql(latencyMs: string): string {
  return `CAST(round(${latencyMs} * 1000.0) AS INTEGER)`;
}

/**
 * Start of the level bucket holding a time ≥ 0, in integer arithmetic so that
 * `start ≤ time < start + level` holds exactly (negative times are never rolled up).
 */
function bucketStartSql(time: string, levelMs: string): string {
  return `(CAST(${time} AS INTEGER) - CAST(${time} AS INTEGER) % ${levelMs})`;
}

/** What one rolled-up table contributes: its edge key, time, latency and error, for row alias `r`. */
export interface RollupSource {
  kind: 'producer' | 'consumer';
  table: 'events' | 'deliveries';
  rollup: string;
  key: (r: string) => string;
  time: (r: string) => string;
  latency: (r: string) => string;
  error: (r: string) => string;
  /** Columns whose change moves a record in the rollup; other updates fire nothing. */
  watched: readonly string[];
}

export const PRODUCER_SOURCE: RollupSource = {
  kind: 'producer',
  table: 'events',
  rollup: 'topology_producer_rollup',
  // Group keys are JSON arrays of the grouping columns: unambiguous whatever characters names hold.
  key: (r) => `json_array(${r}.producer_service, COALESCE(${r}.destination, ''))`,
  time: (r) => `${r}.published_at`,
  latency: (r) => `${r}.send_duration_ms`,
  error: (r) => `(${r}.send_error <> 0)`,
  watched: ['producer_service', 'destination', 'published_at', 'send_duration_ms', 'send_error'],
};

/** Error outcomes as the trigger sees them; kept equal to ERROR_OUTCOMES by a unit test. */
export const ROLLUP_ERROR_OUTCOMES = ['error', 'dead-lettered'] as const;

export const CONSUMER_SOURCE: RollupSource = {
  kind: 'consumer',
  table: 'deliveries',
  rollup: 'topology_consumer_rollup',
  key: (r) => `json_array(COALESCE(${r}.destination, ''), ${r}.service, ${r}.consumer_group)`,
  time: (r) => `${r}.received_at`,
  latency: (r) => `${r}.latency_ms`,
  error: (r) => `(${r}.outcome IN (${ROLLUP_ERROR_OUTCOMES.map((outcome) => `'${outcome}'`).join(', ')}))`,
  watched: ['destination', 'service', 'consumer_group', 'received_at', 'latency_ms', 'outcome'],
};

const SOURCES = [PRODUCER_SOURCE, CONSUMER_SOURCE] as const;

/** Row `r`'s entry in `topology_keys`, looked up once per trigger rather than once per level. */
function keySql(source: RollupSource, r: string): string {
  return `(SELECT id FROM topology_keys WHERE kind = '${source.kind}' AND key = ${source.key(r)})`;
}

/** An insert into a rollup adds to the cell it lands on. */
const ADD_TO_CELL = `ON CONFLICT (level_ms, start, key_id, bucket) DO UPDATE SET count = count + excluded.count,
  errors = errors + excluded.errors, latency_sum_us = latency_sum_us + excluded.latency_sum_us`;

/**
 * Adds (`sign` 1) or subtracts (-1) row `r` in every level that holds its time: the finest, and
 * each coarser one whose bound it is under. Times before the epoch are left out.
 */
function applySql(source: RollupSource, r: 'NEW' | 'OLD', sign: 1 | -1): string {
  return `INSERT INTO ${source.rollup} (level_ms, start, key_id, bucket, count, errors, latency_sum_us)
    SELECT l.level_ms, ${bucketStartSql(source.time(r), 'l.level_ms')}, k.id, ${latencyBucketSql(source.latency(r))},
      ${sign}, ${sign} * ${source.error(r)}, ${sign} * ${latencyMicrosSql(source.latency(r))}
    FROM ${keySql(source, r)} AS k, topology_level_state l WHERE ${source.time(r)} >= 0 AND ${source.time(r)} < l.complete_until
    ${ADD_TO_CELL};`;
}

/** After a subtraction: drop the cells of row `r` that became empty (by primary key). */
function pruneSql(source: RollupSource, r: 'OLD'): string {
  return `DELETE FROM ${source.rollup} WHERE count = 0 AND (level_ms, start, key_id, bucket) IN (
    SELECT l.level_ms, ${bucketStartSql(source.time(r), 'l.level_ms')}, k.id, ${latencyBucketSql(source.latency(r))}
    FROM ${keySql(source, r)} AS k, topology_level_state l);`;
}

/**
 * Registers row `r`'s edge key. An upsert clause, not `INSERT OR IGNORE`: inside a trigger the
 * outer statement's conflict policy (ABORT for the store's upserts) overrides `OR IGNORE`.
 */
function addKeySql(source: RollupSource, r: 'NEW'): string {
  return `INSERT INTO topology_keys (kind, key) VALUES ('${source.kind}', ${source.key(r)}) ON CONFLICT DO NOTHING;`;
}

/**
 * Triggers no longer made: schema version 2's, which added every record to every level, and the
 * per-record insert trigger, replaced by `addRowsSql`. A store that has them loses them on open.
 */
const FORMER_TRIGGERS = ['insert', 'update', 'delete', 'rollup_insert'];

function triggersSql(source: RollupSource): string {
  const changed = source.watched.map((column) => `OLD.${column} IS NOT NEW.${column}`).join(' OR ');
  const name = `topology_${source.table}`;
  return `
${FORMER_TRIGGERS.map((event) => `DROP TRIGGER IF EXISTS ${name}_${event};`).join('\n')}
CREATE TRIGGER IF NOT EXISTS ${name}_rollup_update AFTER UPDATE ON ${source.table} WHEN ${changed} BEGIN
  ${applySql(source, 'OLD', -1)}
  ${pruneSql(source, 'OLD')}
  ${addKeySql(source, 'NEW')}
  ${applySql(source, 'NEW', 1)}
END;
CREATE TRIGGER IF NOT EXISTS ${name}_rollup_delete AFTER DELETE ON ${source.table} BEGIN
  ${applySql(source, 'OLD', -1)}
  ${pruneSql(source, 'OLD')}
END;`;
}

function rollupTableSql(source: RollupSource): string {
  return `
CREATE TABLE IF NOT EXISTS ${source.rollup} (
  level_ms INTEGER NOT NULL,
  start INTEGER NOT NULL,
  key_id INTEGER NOT NULL,
  bucket INTEGER NOT NULL,
  count INTEGER NOT NULL,
  errors INTEGER NOT NULL,
  latency_sum_us INTEGER NOT NULL,
  -- topology reads a range of bucket starts per level
  PRIMARY KEY (level_ms, start, key_id, bucket)
) WITHOUT ROWID;`;
}

/** Tables and triggers, appended to the schema (IF NOT EXISTS, like every other table). */
export const TOPOLOGY_ROLLUP_SQL = `
-- Topology rollups (topology-rollup-sql.ts). Edge keys: a JSON array of the grouping columns.
CREATE TABLE IF NOT EXISTS topology_keys (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  key TEXT NOT NULL,
  UNIQUE (kind, key)
);
-- Time levels rolled up (bucket sizes in ms), set on open, and where each is complete: it holds the
-- buckets that start before complete_until, and none after (the finest level: all of them).
CREATE TABLE IF NOT EXISTS topology_level_state (level_ms INTEGER PRIMARY KEY, complete_until INTEGER NOT NULL);
-- 'format': the ROLLUP_FORMAT the rollups were built with.
CREATE TABLE IF NOT EXISTS topology_rollup_state (name TEXT PRIMARY KEY, value TEXT NOT NULL);
${SOURCES.map(rollupTableSql).join('\n')}
${SOURCES.map(triggersSql).join('\n')}
-- Schema version 2's level list (its triggers, which read it, are dropped above).
DROP TABLE IF EXISTS topology_levels;
`;

/**
 * Statements that recompute the rollups from the tables (run in one write transaction). Levels
 * already in `topology_level_state` keep their bounds; new ones get `completeUntil` (per level of
 * `ROLLUP_LEVELS_MS`).
 */
export function rebuildSql(completeUntil: readonly number[]): string[] {
  const statements = [
    `DELETE FROM topology_level_state WHERE level_ms NOT IN (${ROLLUP_LEVELS_MS.join(', ')})`,
    `INSERT INTO topology_level_state (level_ms, complete_until)
      VALUES ${ROLLUP_LEVELS_MS.map((ms, i) => `(${ms}, ${Math.trunc(completeUntil[i] ?? 0)})`).join(', ')}
      ON CONFLICT DO NOTHING`,
  ];
  for (const source of SOURCES) statements.push(`DELETE FROM ${source.rollup}`, ...addSql(source, `${source.table} r`));
  statements.push(`INSERT OR REPLACE INTO topology_rollup_state (name, value) VALUES ('format', '${ROLLUP_FORMAT}')`);
  return statements;
}

/**
 * Registers the edge keys of the rows `r` of `from` (an SQL FROM clause), then adds those rows to
 * every level whose bound their time is under, one grouped upsert per cell.
 */
function addSql(source: RollupSource, from: string): [string, string] {
  return [
    `INSERT OR IGNORE INTO topology_keys (kind, key) SELECT DISTINCT '${source.kind}', ${source.key('r')} FROM ${from}`,
    `INSERT INTO ${source.rollup} (level_ms, start, key_id, bucket, count, errors, latency_sum_us)
      SELECT l.level_ms, ${bucketStartSql(source.time('r'), 'l.level_ms')} AS start, k.id, ${latencyBucketSql(source.latency('r'))} AS bucket,
        COUNT(*), SUM(${source.error('r')}), SUM(${latencyMicrosSql(source.latency('r'))})
      FROM ${from} JOIN topology_keys k ON k.kind = '${source.kind}' AND k.key = ${source.key('r')}
      JOIN topology_level_state l
      WHERE ${source.time('r')} >= 0 AND ${source.time('r')} < l.complete_until
      GROUP BY l.level_ms, start, k.id, bucket
      ${ADD_TO_CELL}`,
  ];
}

/**
 * Adds the rows of `source.table` whose rowids are in the JSON array `@rows` (rows just inserted)
 * to the rollups: what an insert trigger would do record by record, grouped, so that a write's
 * records cost one upsert per cell they land on. Adding every record exactly once is the caller's
 * part (`writes.ts`): each new row once, before any update or delete in the same transaction
 * fires a trigger that expects the rollups to hold it.
 */
export function addRowsSql(source: RollupSource): [string, string] {
  return addSql(source, `json_each(@rows) j JOIN ${source.table} r ON r.rowid = j.value`);
}

/**
 * Moves coarser level `levelMs` to be complete until `@until` (a multiple of it, at most the bound
 * of the level below): sums that level's cells of the buckets from the current bound to `@until`
 * into it, then moves the bound. Nothing when `@until` is not past the current bound. Run for each
 * coarser level in turn, finest first, in one write transaction.
 */
export function compactSql(levelMs: number): string[] {
  const index = ROLLUP_LEVELS_MS.indexOf(levelMs);
  const finer = ROLLUP_LEVELS_MS[index - 1];
  if (index < 1 || finer === undefined) throw new Error(`no level finer than ${levelMs} ms to compact from`);
  const bound = `(SELECT complete_until FROM topology_level_state WHERE level_ms = ${levelMs})`;
  return [
    ...SOURCES.map(
      (source) => `INSERT INTO ${source.rollup} (level_ms, start, key_id, bucket, count, errors, latency_sum_us)
        SELECT ${levelMs}, f.start - f.start % ${levelMs} AS coarse, f.key_id, f.bucket, SUM(f.count), SUM(f.errors), SUM(f.latency_sum_us)
        FROM ${source.rollup} f
        WHERE f.level_ms = ${finer} AND f.start >= ${bound} AND f.start < @until
        GROUP BY coarse, f.key_id, f.bucket
        ${ADD_TO_CELL}`,
    ),
    `UPDATE topology_level_state SET complete_until = @until WHERE level_ms = ${levelMs} AND complete_until < @until`,
  ];
}

/** The bound of every level, finest first, in `ROLLUP_LEVELS_MS` order. */
export const LEVEL_STATE_SQL = 'SELECT level_ms AS levelMs, complete_until AS completeUntil FROM topology_level_state ORDER BY level_ms';

/**
 * A topology read: every slot (one level, a range of bucket starts) and the two raw edges, merged
 * into one histogram per edge key, sorted by key then latency bucket. `param` names the bound
 * parameters (`from3`, `rawLeftTo`, …); `queryPlans()` binds them all to its own `@from`/`@to`.
 */
export function rollupReadSql(source: RollupSource, slots: readonly number[], param: (name: string) => string = (name) => name): string {
  const parts = slots.map(
    (levelMs, i) =>
      `SELECT key_id, bucket, count, errors, latency_sum_us FROM ${source.rollup}
        WHERE level_ms = ${levelMs} AND start >= @${param(`from${i}`)} AND start < @${param(`to${i}`)}`,
  );
  const raw = (name: string, upper: '<' | '<=') =>
    `SELECT k.id AS key_id, ${latencyBucketSql(source.latency('r'))} AS bucket, 1 AS count, ${source.error('r')} AS errors,
        ${latencyMicrosSql(source.latency('r'))} AS latency_sum_us
      FROM ${source.table} r JOIN topology_keys k ON k.kind = '${source.kind}' AND k.key = ${source.key('r')}
      WHERE ${source.time('r')} >= @${param(`${name}From`)} AND ${source.time('r')} ${upper} @${param(`${name}To`)}`;
  // Grouped by key id first; the key text is joined to the few grouped rows only.
  return `SELECT t.key AS key, g.bucket AS bucket, g.count AS count, g.errors AS errors, g.sumUs AS sumUs
    FROM (
      SELECT c.key_id AS key_id, c.bucket AS bucket, SUM(c.count) AS count, SUM(c.errors) AS errors, SUM(c.latency_sum_us) AS sumUs
      FROM (${[...parts, raw('rawLeft', '<'), raw('rawRight', '<=')].join('\n        UNION ALL ')}) AS c
      GROUP BY c.key_id, c.bucket
    ) AS g
    JOIN topology_keys t ON t.id = g.key_id
    ORDER BY g.key_id, g.bucket`;
}
