/**
 * Time in queue over SQLite. One query counts deliveries per (group, destination) to pick the
 * busiest series; a second streams the queue times of the range from the covering index, sorted
 * by series, bucket and value, so each bucket's nearest-rank percentiles are read off in one pass
 * holding one bucket's values at a time. Both run in one read transaction (same snapshot).
 */
import type Database from 'better-sqlite3';
import type { QueueTimePoint, QueueTimeQuery, QueueTimeSeries } from '../../lag/types.js';
import { busiestSeries, checkQueueTimeQuery, MAX_QUEUE_TIME_SERIES } from '../queue-time-math.js';
import { nearestRank } from '../topology-math.js';

/** queueTimeSeries filters, in a fixed order; statements are built per combination used. */
const QUEUE_FILTERS = [
  ['group', "COALESCE(consumer_group, '') = @group"],
  ['destination', "COALESCE(destination, '') = @destination"],
] as const;

type QueueFilter = (typeof QUEUE_FILTERS)[number][0];

function where(filters: readonly QueueFilter[]): string {
  const clauses = QUEUE_FILTERS.filter(([name]) => filters.includes(name)).map(([, sql]) => ` AND ${sql}`);
  return `WHERE queue_ms IS NOT NULL AND received_at >= @from AND received_at <= @to${clauses.join('')}`;
}

/** The busiest series, one more than kept (to know there were more). */
export function queueSeriesSql(filters: readonly QueueFilter[]): string {
  return `SELECT COALESCE(consumer_group, '') AS g, COALESCE(destination, '') AS d, COUNT(*) AS n
    FROM deliveries ${where(filters)}
    GROUP BY g, d ORDER BY n DESC, g, d LIMIT ${MAX_QUEUE_TIME_SERIES}`;
}

/** Every queue time of the range, sorted so that each series' buckets arrive one after another, values ascending. */
export function queueValuesSql(filters: readonly QueueFilter[]): string {
  return `SELECT COALESCE(consumer_group, '') AS g, COALESCE(destination, '') AS d,
      CAST(received_at / @bucket AS INTEGER) AS b, queue_ms AS v
    FROM deliveries ${where(filters)}
    ORDER BY g, d, b, v`;
}

interface ValueRow {
  g: string;
  d: string;
  b: number;
  v: number;
}

export class SqliteQueueTime {
  private readonly statements = new Map<
    string,
    (params: Record<string, unknown>) => QueueTimeSeries[]
  >();

  constructor(private readonly db: Database.Database) {}

  query(query: QueueTimeQuery): QueueTimeSeries[] {
    checkQueueTimeQuery(query);
    if (query.from > query.to) return [];
    const used = QUEUE_FILTERS.map(([name]) => name).filter((name) => query[name] !== undefined);
    const key = used.join(',');
    let run = this.statements.get(key);
    if (!run) {
      run = this.prepare(used);
      this.statements.set(key, run);
    }
    const params: Record<string, unknown> = { from: query.from, to: query.to, bucket: query.bucketMs };
    for (const name of used) params[name] = query[name];
    return run(params);
  }

  private prepare(filters: readonly QueueFilter[]): (params: Record<string, unknown>) => QueueTimeSeries[] {
    const seriesStatement = this.db.prepare<Record<string, unknown>, { g: string; d: string; n: number }>(queueSeriesSql(filters));
    const valuesStatement = this.db.prepare<Record<string, unknown>, ValueRow>(queueValuesSql(filters));
    return this.db.transaction((params: Record<string, unknown>) => {
      const { bucket, ...rangeParams } = params;
      const chosen = new Map<string, QueueTimeSeries & { total: number }>();
      for (const row of seriesStatement.all(rangeParams)) {
        chosen.set(seriesKey(row.g, row.d), { group: row.g, destination: row.d, points: [], total: row.n });
      }
      if (chosen.size === 0) return [];
      const bucketMs = bucket as number;
      let current: { series: QueueTimeSeries; bucket: number; values: number[] } | undefined;
      const flush = (): void => {
        if (current) current.series.points.push(point(current.bucket * bucketMs, current.values));
      };
      for (const row of valuesStatement.iterate(params)) {
        const series = chosen.get(seriesKey(row.g, row.d));
        if (!series) continue;
        if (current?.series !== series || current.bucket !== row.b) {
          flush();
          current = { series, bucket: row.b, values: [] };
        }
        current.values.push(row.v);
      }
      flush();
      return busiestSeries([...chosen.values()]);
    });
  }
}

function seriesKey(group: string, destination: string): string {
  return JSON.stringify([group, destination]);
}

/** Nearest-rank percentiles of one bucket's values, sorted ascending. */
function point(at: number, sorted: number[]): QueueTimePoint {
  const rank = (p: number): number => sorted[nearestRank(p, sorted.length) - 1] ?? 0;
  return { at, count: sorted.length, p50Ms: rank(50), p95Ms: rank(95), maxMs: sorted[sorted.length - 1] ?? 0 };
}
