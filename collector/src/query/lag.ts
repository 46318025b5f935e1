/**
 * `/api/lag` and `/api/lag/status` answers: stored samples grouped into one series per partition,
 * at the resolution the range calls for, plus time in queue from spans; and the monitor's current
 * statuses as API views.
 */
import type { GroupStatus, LagSample } from '../lag/types.js';
import type { LagSourceState } from '../lag/monitor.js';
import { ROLLUP_MS } from '../lag/monitor.js';
import type { GroupStatusView, LagResponse, LagSeries, LagStatusResponse } from '../schemas/lag.js';
import type { Store } from '../store/store.js';
import type { TimeRange } from './time.js';

/** Most samples one answer reads: a day of raw polls every 10 s for 10 partitions fits. */
export const MAX_LAG_SAMPLES = 100_000;
/** Ranges longer than this read the 5-minute rollups even where raw samples exist. */
const RAW_RANGE_LIMIT_MS = 6 * 3600_000;
/** Time-in-queue buckets per answer, at most. */
const QUEUE_TIME_BUCKETS = 120;

export interface LagSeriesQuery extends TimeRange {
  group?: string;
  destination?: string;
  cluster?: string;
}

export async function buildLagSeries(
  store: Store,
  query: LagSeriesQuery,
  settings: { rawRetentionMs: number; now?: number },
): Promise<LagResponse> {
  const now = settings.now ?? Date.now();
  const raw = query.to - query.from <= RAW_RANGE_LIMIT_MS && query.from >= now - settings.rawRetentionMs;
  const resolutionMs = raw ? 0 : ROLLUP_MS;
  const filters = { group: query.group, destination: query.destination, cluster: query.cluster };
  const bucketMs = queueTimeBucket(query.to - query.from);
  const [samples, queueTime] = await Promise.all([
    store.getLagSamples({ from: query.from, to: query.to, resolutionMs, ...filters, limit: MAX_LAG_SAMPLES + 1 }),
    store.queueTimeSeries({ from: query.from, to: query.to, bucketMs, group: query.group, destination: query.destination }),
  ]);
  const truncated = samples.length > MAX_LAG_SAMPLES;
  return {
    from: new Date(query.from).toISOString(),
    to: new Date(query.to).toISOString(),
    resolutionMs,
    series: toSeries(truncated ? samples.slice(0, MAX_LAG_SAMPLES) : samples),
    queueTime: queueTime.map((series) => ({
      group: series.group,
      destination: series.destination,
      points: series.points.map(({ at, ...point }) => ({ t: at, ...point })),
    })),
    truncated,
  };
}

/** A whole number of seconds giving at most QUEUE_TIME_BUCKETS buckets, at least 10 s. */
function queueTimeBucket(spanMs: number): number {
  return Math.max(10_000, Math.ceil(spanMs / QUEUE_TIME_BUCKETS / 1000) * 1000);
}

function toSeries(samples: LagSample[]): LagSeries[] {
  const series = new Map<string, LagSeries>();
  for (const sample of samples) {
    const key = `${sample.cluster}\u0000${sample.group}\u0000${sample.destination}\u0000${sample.partition}`;
    let entry = series.get(key);
    if (!entry) {
      entry = { system: sample.system, cluster: sample.cluster, group: sample.group, destination: sample.destination, partition: sample.partition, points: [] };
      series.set(key, entry);
    }
    entry.points.push({
      t: sample.at,
      lag: sample.lag,
      lagSeconds: sample.lagSeconds ?? null,
      drainSeconds: sample.drainSeconds ?? null,
      status: sample.status,
    });
  }
  return [...series.values()].sort(
    (a, b) => a.cluster.localeCompare(b.cluster) || a.group.localeCompare(b.group) || a.destination.localeCompare(b.destination) || a.partition - b.partition,
  );
}

export function lagStatusResponse(groups: GroupStatus[], sources: LagSourceState[], intervalMs: number): LagStatusResponse {
  return {
    intervalMs,
    sources: sources.map((source) => ({
      name: source.name,
      system: source.system,
      up: source.up,
      error: source.up ? null : (source.error ?? null),
      lastPollAt: source.lastPollAt === undefined ? null : new Date(source.lastPollAt).toISOString(),
      lastPollMs: source.lastPollMs === undefined ? null : Math.round(source.lastPollMs * 10) / 10,
    })),
    groups: groups.map(groupView),
  };
}

function groupView(group: GroupStatus): GroupStatusView {
  const seconds = (value: number | undefined): number | null => (value === undefined || !Number.isFinite(value) ? null : value);
  return {
    system: group.system,
    cluster: group.cluster,
    source: group.source,
    group: group.group,
    status: group.status,
    reason: group.reason,
    members: group.members,
    lag: group.lag,
    lagSeconds: seconds(group.lagSeconds),
    drainSeconds: seconds(group.drainSeconds),
    destinations: group.destinations.map((destination) => ({
      destination: destination.destination,
      status: destination.status,
      reason: destination.reason,
      lag: destination.lag,
      lagSeconds: seconds(destination.lagSeconds),
      drainSeconds: seconds(destination.drainSeconds),
    })),
    partitions: group.partitions.map((partition) => ({
      destination: partition.destination,
      partition: partition.partition,
      status: partition.status,
      reason: partition.reason,
      lag: partition.lag,
      lagSeconds: seconds(partition.lagSeconds),
      drainSeconds: seconds(partition.drainSeconds),
      noCommit: partition.noCommit ?? false,
    })),
    updatedAt: new Date(group.updatedAt).toISOString(),
  };
}
