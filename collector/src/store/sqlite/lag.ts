/**
 * Lag samples over SQLite. A poll of a large cluster writes tens of thousands of samples, so a
 * batch is one transaction of one prepared statement (one fsync), and retention deletes in
 * slices that each hold the write lock briefly, yielding to the event loop between them.
 */
import type Database from 'better-sqlite3';
import type { LagSample, LagSampleQuery, LagStatus, LagSystem } from '../../lag/types.js';
import { clampLimit, MAX_LAG_SAMPLE_LIMIT } from '../limits.js';

interface LagSampleRow {
  resolution_ms: number;
  at: number;
  cluster: string;
  consumer_group: string;
  destination: string;
  partition: number;
  system: string;
  lag: number;
  lag_seconds: number | null;
  drain_seconds: number | null;
  position: number | null;
  log_start: number | null;
  log_end: number | null;
  ready: number | null;
  unacked: number | null;
  members: number;
  status: string;
  no_commit: number | null;
}

/** getLagSamples filters, in a fixed order; a statement is built per combination used. */
const LAG_FILTERS = [
  ['cluster', 'cluster = @cluster'],
  ['group', 'consumer_group = @group'],
  ['destination', 'destination = @destination'],
] as const;

export type LagFilter = (typeof LAG_FILTERS)[number][0];

export function lagSamplesSql(filters: readonly LagFilter[]): string {
  const clauses = LAG_FILTERS.filter(([name]) => filters.includes(name)).map(([, sql]) => ` AND ${sql}`);
  return `SELECT * FROM lag_samples WHERE resolution_ms = @resolution AND at >= @from AND at <= @to${clauses.join('')}
    ORDER BY at, cluster, consumer_group, destination, partition LIMIT @limit`;
}

/** Rows deleted per retention slice: a short write lock each, whatever the backlog. */
const DELETE_SLICE = 20_000;

/** The time of the row DELETE_SLICE rows into the expired range: slices end there. */
export const LAG_SLICE_END_SQL = `SELECT at FROM lag_samples WHERE resolution_ms = @resolution AND at < @before
  ORDER BY at LIMIT 1 OFFSET ${DELETE_SLICE}`;

export class SqliteLagSamples {
  private readonly insert: (samples: LagSample[]) => void;
  private readonly reads = new Map<string, Database.Statement<Record<string, unknown>, LagSampleRow>>();
  private readonly sliceEnd: Database.Statement<{ resolution: number; before: number }, { at: number }>;
  private readonly deleteUpTo: Database.Statement<{ resolution: number; until: number }>;
  private readonly deleteBefore: Database.Statement<{ resolution: number; before: number }>;

  constructor(private readonly db: Database.Database) {
    const upsert = db.prepare<LagSampleRow>(`INSERT OR REPLACE INTO lag_samples VALUES (
      @resolution_ms, @at, @cluster, @consumer_group, @destination, @partition, @system, @lag, @lag_seconds,
      @drain_seconds, @position, @log_start, @log_end, @ready, @unacked, @members, @status, @no_commit)`);
    this.insert = db.transaction((samples: LagSample[]) => {
      for (const sample of samples) upsert.run(sampleToRow(sample));
    });
    this.sliceEnd = db.prepare(LAG_SLICE_END_SQL);
    this.deleteUpTo = db.prepare('DELETE FROM lag_samples WHERE resolution_ms = @resolution AND at <= @until');
    this.deleteBefore = db.prepare('DELETE FROM lag_samples WHERE resolution_ms = @resolution AND at < @before');
  }

  put(samples: LagSample[]): void {
    if (samples.length > 0) this.insert(samples);
  }

  get(query: LagSampleQuery): LagSample[] {
    const limit = clampLimit(query.limit, MAX_LAG_SAMPLE_LIMIT);
    if (limit === 0 || Number.isNaN(query.from) || Number.isNaN(query.to)) return [];
    const used = LAG_FILTERS.map(([name]) => name).filter((name) => query[name] !== undefined);
    const key = used.join(',');
    let statement = this.reads.get(key);
    if (!statement) {
      statement = this.db.prepare<Record<string, unknown>, LagSampleRow>(lagSamplesSql(used));
      this.reads.set(key, statement);
    }
    const params: Record<string, unknown> = { resolution: query.resolutionMs, from: query.from, to: query.to, limit };
    for (const name of used) params[name] = query[name];
    return statement.all(params).map(rowToSample);
  }

  async delete(query: { resolutionMs: number; before: number }): Promise<void> {
    if (Number.isNaN(query.before)) return;
    const params = { resolution: query.resolutionMs, before: query.before };
    // Each slice ends at a sample time, and takes every sample of that time (one poll's worth at most beyond the slice).
    for (let end = this.sliceEnd.get(params); end !== undefined; end = this.sliceEnd.get(params)) {
      this.deleteUpTo.run({ resolution: query.resolutionMs, until: end.at });
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.deleteBefore.run(params);
  }
}

function sampleToRow(sample: LagSample): LagSampleRow {
  return {
    resolution_ms: sample.resolutionMs,
    at: sample.at,
    cluster: sample.cluster,
    consumer_group: sample.group,
    destination: sample.destination,
    partition: sample.partition,
    system: sample.system,
    lag: sample.lag,
    lag_seconds: sample.lagSeconds ?? null,
    drain_seconds: sample.drainSeconds ?? null,
    position: sample.position ?? null,
    log_start: sample.logStart ?? null,
    log_end: sample.logEnd ?? null,
    ready: sample.ready ?? null,
    unacked: sample.unacked ?? null,
    members: sample.members,
    status: sample.status,
    no_commit: sample.noCommit === undefined ? null : sample.noCommit ? 1 : 0,
  };
}

/** Optional fields come back only when stored, so a sample round-trips to a deep-equal copy. */
function rowToSample(row: LagSampleRow): LagSample {
  const sample: LagSample = {
    at: row.at,
    resolutionMs: row.resolution_ms,
    system: row.system as LagSystem,
    cluster: row.cluster,
    group: row.consumer_group,
    destination: row.destination,
    partition: row.partition,
    lag: row.lag,
    members: row.members,
    status: row.status as LagStatus,
  };
  if (row.lag_seconds !== null) sample.lagSeconds = row.lag_seconds;
  if (row.drain_seconds !== null) sample.drainSeconds = row.drain_seconds;
  if (row.position !== null) sample.position = row.position;
  if (row.log_start !== null) sample.logStart = row.log_start;
  if (row.log_end !== null) sample.logEnd = row.log_end;
  if (row.ready !== null) sample.ready = row.ready;
  if (row.unacked !== null) sample.unacked = row.unacked;
  if (row.no_commit !== null) sample.noCommit = row.no_commit === 1;
  return sample;
}
