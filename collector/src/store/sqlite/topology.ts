/**
 * Topology over SQLite, read from the rollups (topology-rollup-sql.ts): whole buckets of the
 * coarsest level that fits inside the range and is complete there, finer levels towards its edges, raw
 * rows for the partial minutes at both ends. Counts and errors are exact; p50/p99 are read from
 * the merged latency histogram (within 2 % of the exact nearest-rank value, exact when the
 * latencies around the rank are equal). The work depends on the number of edge keys and latency
 * buckets, not on the number of records in the range.
 */
import type Database from 'better-sqlite3';
import type { ConsumerEdgeRow, ProducerEdgeRow } from '../store.js';
import { completeUntilAt, histogramPercentile, planRange, UNBOUNDED, type HistogramBucket } from './topology-plan.js';
import {
  COMPACTION_DELAY_MS,
  CONSUMER_SOURCE,
  compactSql,
  LEVEL_STATE_SQL,
  PRODUCER_SOURCE,
  ROLLUP_FORMAT,
  ROLLUP_LEVELS_MS,
  rebuildSql,
  rollupReadSql,
} from './topology-rollup-sql.js';

/** The level of each slot of a `RangePlan` (two per level). */
const SLOT_LEVELS = ROLLUP_LEVELS_MS.flatMap((levelMs) => [levelMs, levelMs]);

const READS = {
  producers: rollupReadSql(PRODUCER_SOURCE, SLOT_LEVELS),
  consumers: rollupReadSql(CONSUMER_SOURCE, SLOT_LEVELS),
} as const;

/**
 * The topology SQL by name, for `SqliteStore.queryPlans()`, which binds `@from` and `@to`: the same
 * statements with every bound named after the range end it derives from (so the same plan).
 */
const rangeEnd = (name: string): string => (/^(from|rawLeftFrom|rawRightFrom)/.test(name) ? 'from' : 'to');
export const TOPOLOGY_READS = {
  producers: rollupReadSql(PRODUCER_SOURCE, SLOT_LEVELS, rangeEnd),
  consumers: rollupReadSql(CONSUMER_SOURCE, SLOT_LEVELS, rangeEnd),
} as const;

interface HistogramRow {
  key: string;
  bucket: number;
  count: number;
  errors: number;
  sumUs: number;
}

interface EdgeFigures {
  key: string;
  count: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
}

export class SqliteTopology {
  private readonly producerRead: Database.Statement<Record<string, number>, HistogramRow>;
  private readonly consumerRead: Database.Statement<Record<string, number>, HistogramRow>;
  private readonly levelState: Database.Statement<[], LevelState>;
  private readonly snapshot: (range: { from: number; to: number }) => { producers: ProducerEdgeRow[]; consumers: ConsumerEdgeRow[] };

  constructor(db: Database.Database) {
    ensureRollups(db);
    // A write that fires the rollup triggers changes several rows, so SQLite keeps a statement
    // journal to undo it alone on error; in temporary files (the default) that made each insert
    // 2–4× slower. The journal of one upsert is a few pages, so memory costs nothing. (Set after
    // the rebuild, whose large GROUP BY may spill to disk.)
    db.pragma('temp_store = MEMORY');
    this.producerRead = db.prepare(READS.producers);
    this.consumerRead = db.prepare(READS.consumers);
    this.levelState = db.prepare(LEVEL_STATE_SQL);
    // One read transaction: producers and consumers see the same snapshot (and level bounds) while
    // the ingest writes.
    this.snapshot = db.transaction((range: { from: number; to: number }) => {
      const params = rangeParams(range.from, range.to, completeUntilOf(this.levelState.all()));
      return {
        producers: edges(this.producerRead.all(params)).map(toProducerRow),
        consumers: edges(this.consumerRead.all(params)).map(toConsumerRow),
      };
    });
  }

  query(range: { from: number; to: number }): { producers: ProducerEdgeRow[]; consumers: ConsumerEdgeRow[] } {
    return this.snapshot(range);
  }
}

/**
 * Rebuilds the rollups from the tables when they were built with another format or never (a
 * database older than the rollups): idempotent, and in one write transaction so that concurrent
 * writers (which add their records to the rollups in the transaction that writes them) are neither
 * lost nor counted twice. Then compacts them up to `now`.
 */
export function ensureRollups(db: Database.Database, now = Date.now()): void {
  const built = (): boolean => {
    const row = db.prepare("SELECT value FROM topology_rollup_state WHERE name = 'format'").get() as { value: string } | undefined;
    return row?.value === ROLLUP_FORMAT;
  };
  if (!built()) {
    db.transaction(() => {
      if (built()) return;
      for (const sql of rebuildSql(completeUntilAt(now, ROLLUP_LEVELS_MS, COMPACTION_DELAY_MS))) db.prepare(sql).run();
    }).immediate();
  }
  prepareCompaction(db)(now);
}

interface LevelState {
  levelMs: number;
  completeUntil: number;
}

/** Bounds in `ROLLUP_LEVELS_MS` order; a level missing from the table holds nothing. */
function completeUntilOf(rows: readonly LevelState[]): number[] {
  const byLevel = new Map(rows.map((row) => [row.levelMs, row.completeUntil]));
  return ROLLUP_LEVELS_MS.map((levelMs) => byLevel.get(levelMs) ?? 0);
}

/**
 * Compaction (topology-rollup-sql.ts) on connection `db`: moves each coarser level's bound to where
 * it should be at `now`, finest first, in one transaction (a savepoint inside the caller's). A
 * level's bound never passes the bound of the level below it, nor moves back.
 */
export function prepareCompaction(db: Database.Database): (now: number) => void {
  const levelState = db.prepare<[], LevelState>(LEVEL_STATE_SQL);
  const steps = ROLLUP_LEVELS_MS.slice(1).map((levelMs) => ({ levelMs, statements: compactSql(levelMs).map((sql) => db.prepare(sql)) }));
  return db.transaction((now: number) => {
    const targets = completeUntilAt(now, ROLLUP_LEVELS_MS, COMPACTION_DELAY_MS);
    const bounds = completeUntilOf(levelState.all());
    steps.forEach(({ levelMs, statements }, i) => {
      const finerBound = bounds[i] ?? 0;
      const target = targets[i + 1] ?? 0;
      const until = Math.min(target, finerBound === UNBOUNDED ? target : finerBound - (finerBound % levelMs));
      if (until <= (bounds[i + 1] ?? 0)) return;
      for (const statement of statements) statement.run({ until });
      bounds[i + 1] = until;
    });
  });
}

function rangeParams(from: number, to: number, completeUntil: readonly number[]): Record<string, number> {
  const plan = planRange(from, to, ROLLUP_LEVELS_MS, completeUntil);
  const params: Record<string, number> = {
    rawLeftFrom: plan.rawLeft.from,
    rawLeftTo: plan.rawLeft.to,
    rawRightFrom: plan.rawRight.from,
    rawRightTo: plan.rawRight.to,
  };
  plan.slots.forEach((slot, i) => {
    params[`from${i}`] = slot.from;
    params[`to${i}`] = slot.to;
  });
  return params;
}

/** Folds histogram rows (sorted by key, then ascending latency bucket) into one figure per key. */
function edges(rows: HistogramRow[]): EdgeFigures[] {
  const result: EdgeFigures[] = [];
  let start = 0;
  while (start < rows.length) {
    const key = (rows[start] as HistogramRow).key;
    let end = start;
    let count = 0;
    let errors = 0;
    const buckets: HistogramBucket[] = [];
    for (; end < rows.length && (rows[end] as HistogramRow).key === key; end += 1) {
      const row = rows[end] as HistogramRow;
      count += row.count;
      errors += row.errors;
      buckets.push(row);
    }
    if (count > 0) {
      result.push({ key, count, errors, p50Ms: histogramPercentile(buckets, count, 50), p99Ms: histogramPercentile(buckets, count, 99) });
    }
    start = end;
  }
  return result;
}

function toProducerRow(edge: EdgeFigures): ProducerEdgeRow {
  const [service, destination] = JSON.parse(edge.key) as [string, string];
  return { service, destination, count: edge.count, errors: edge.errors, p50Ms: edge.p50Ms, p99Ms: edge.p99Ms };
}

function toConsumerRow(edge: EdgeFigures): ConsumerEdgeRow {
  const [destination, service, group] = JSON.parse(edge.key) as [string, string, string | null];
  const row: ConsumerEdgeRow = { destination, service, count: edge.count, errors: edge.errors, p50Ms: edge.p50Ms, p99Ms: edge.p99Ms };
  if (group !== null) row.group = group;
  return row;
}
