/**
 * Topology over SQLite: counts and errors grouped in SQL, percentiles by nearest rank in JS while
 * streaming each group's latencies in sorted order, so memory stays constant however many
 * events the range holds.
 */
import type Database from 'better-sqlite3';
import type { ConsumerEdgeRow, ProducerEdgeRow } from '../store.js';
import { ERROR_OUTCOMES, nearestRank } from '../topology-math.js';

interface GroupCount {
  key: string;
  count: number;
  errors: number;
}

/** Group keys are JSON arrays of the grouping columns: unambiguous whatever characters names hold. */
const PRODUCER_GROUPS = `
  SELECT json_array(producer_service, COALESCE(destination, '')) AS key, COUNT(*) AS count, SUM(send_error) AS errors
  FROM events WHERE published_at >= @from AND published_at <= @to
  GROUP BY producer_service, COALESCE(destination, '')`;
const PRODUCER_LATENCIES = `
  SELECT json_array(producer_service, COALESCE(destination, '')) AS key, send_duration_ms AS latency
  FROM events WHERE published_at >= @from AND published_at <= @to
  ORDER BY producer_service, COALESCE(destination, ''), send_duration_ms`;

const ERROR_LIST = ERROR_OUTCOMES.map((outcome) => `'${outcome}'`).join(', ');
const CONSUMER_GROUPS = `
  SELECT json_array(COALESCE(destination, ''), service, consumer_group) AS key, COUNT(*) AS count,
         SUM(outcome IN (${ERROR_LIST})) AS errors
  FROM deliveries WHERE received_at >= @from AND received_at <= @to
  GROUP BY COALESCE(destination, ''), service, consumer_group`;
const CONSUMER_LATENCIES = `
  SELECT json_array(COALESCE(destination, ''), service, consumer_group) AS key, latency_ms AS latency
  FROM deliveries WHERE received_at >= @from AND received_at <= @to
  ORDER BY COALESCE(destination, ''), service, consumer_group, latency_ms`;

/** The topology SQL by name, for `SqliteStore.queryPlans()`. */
export const TOPOLOGY_READS = {
  producerGroups: PRODUCER_GROUPS,
  producerLatencies: PRODUCER_LATENCIES,
  consumerGroups: CONSUMER_GROUPS,
  consumerLatencies: CONSUMER_LATENCIES,
} as const;

export class SqliteTopology {
  private readonly producerGroups: Database.Statement<{ from: number; to: number }, GroupCount>;
  private readonly producerLatencies: Database.Statement<{ from: number; to: number }, { key: string; latency: number }>;
  private readonly consumerGroups: Database.Statement<{ from: number; to: number }, GroupCount>;
  private readonly consumerLatencies: Database.Statement<{ from: number; to: number }, { key: string; latency: number }>;
  private readonly snapshot: (range: { from: number; to: number }) => { producers: ProducerEdgeRow[]; consumers: ConsumerEdgeRow[] };

  constructor(db: Database.Database) {
    this.producerGroups = db.prepare(PRODUCER_GROUPS);
    this.producerLatencies = db.prepare(PRODUCER_LATENCIES);
    this.consumerGroups = db.prepare(CONSUMER_GROUPS);
    this.consumerLatencies = db.prepare(CONSUMER_LATENCIES);
    // One read transaction: the counts and the latency scan see the same snapshot, so the ranks
    // computed from the counts fall inside the scanned groups even while the ingest writes.
    this.snapshot = db.transaction((range: { from: number; to: number }) => ({
      producers: this.producers(range),
      consumers: this.consumers(range),
    }));
  }

  query(range: { from: number; to: number }): { producers: ProducerEdgeRow[]; consumers: ConsumerEdgeRow[] } {
    return this.snapshot(range);
  }

  private producers(range: { from: number; to: number }): ProducerEdgeRow[] {
    const groups = this.producerGroups.all(range);
    const percentiles = streamPercentiles(groups, this.producerLatencies.iterate(range));
    return groups.map((group) => {
      const [service, destination] = JSON.parse(group.key) as [string, string];
      const p = percentiles.get(group.key);
      return { service, destination, count: group.count, errors: group.errors, p50Ms: p?.p50 ?? 0, p99Ms: p?.p99 ?? 0 };
    });
  }

  private consumers(range: { from: number; to: number }): ConsumerEdgeRow[] {
    const groups = this.consumerGroups.all(range);
    const percentiles = streamPercentiles(groups, this.consumerLatencies.iterate(range));
    return groups.map((group) => {
      const [destination, service, consumerGroup] = JSON.parse(group.key) as [string, string, string | null];
      const p = percentiles.get(group.key);
      const row: ConsumerEdgeRow = { destination, service, count: group.count, errors: group.errors, p50Ms: p?.p50 ?? 0, p99Ms: p?.p99 ?? 0 };
      if (consumerGroup !== null) row.group = consumerGroup;
      return row;
    });
  }
}

/**
 * Picks the nearest-rank p50 and p99 of each group from latencies sorted by group then value,
 * knowing each group's size from the counting query.
 */
function streamPercentiles(
  groups: GroupCount[],
  sorted: Iterable<{ key: string; latency: number }>,
): Map<string, { p50: number; p99: number }> {
  const counts = new Map(groups.map((group) => [group.key, group.count]));
  const result = new Map<string, { p50: number; p99: number }>();
  let current = '';
  let position = 0;
  for (const { key, latency } of sorted) {
    if (key !== current) {
      current = key;
      position = 0;
    }
    position += 1;
    const count = counts.get(key) ?? 0;
    const entry = result.get(key) ?? { p50: 0, p99: 0 };
    if (position === nearestRank(50, count)) entry.p50 = latency;
    if (position === nearestRank(99, count)) entry.p99 = latency;
    result.set(key, entry);
  }
  return result;
}
