/**
 * `/api/lag` series turned into what the charts draw: one shared time axis across partitions
 * (uPlot wants aligned columns; a partition missing a poll gets a null, drawn as a gap), at most
 * `topN` partition lines ranked by lag plus a total line when there are more, the group's worst
 * status over time as a strip, and time in queue (p50 / p95) from spans.
 */
import type { LagSeries, LagStatusName, QueueTimeSeries } from '../api/schemas';
import { LAG_STATUS_SEVERITY, worseStatus } from './lag-format';

export const DEFAULT_TOP_PARTITIONS = 10;

export interface ChartLine {
  key: string;
  label: string;
  /** `aggregate`: the total (messages) or maximum (seconds) over every partition. */
  kind: 'partition' | 'aggregate' | 'p50' | 'p95';
  values: (number | null)[];
}

export interface ChartData {
  /** Epoch ms, ascending, shared by every line. */
  times: number[];
  lines: ChartLine[];
}

export interface LagCharts {
  messages: ChartData;
  seconds: ChartData;
  /** Partitions in the response. */
  partitionCount: number;
  /** Partitions drawn as their own line (the rest only count in the aggregate line). */
  shownCount: number;
}

/** Identity of a partition's series across clusters, destinations and partitions. */
export const seriesKey = (series: Pick<LagSeries, 'cluster' | 'destination' | 'partition'>) => `${series.cluster}|${series.destination}|${series.partition}`;

/** "orders/3" for a Kafka partition, the queue's name for a queue; the cluster too when several are shown. */
export function seriesLabel(series: Pick<LagSeries, 'system' | 'cluster' | 'destination' | 'partition'>, withCluster: boolean): string {
  const name = series.system === 'kafka' ? `${series.destination}/${series.partition}` : series.destination;
  return withCluster ? `${series.cluster}: ${name}` : name;
}

/** Sorted union of the series' timestamps and each timestamp's column index. */
function alignTimes(timestamps: Iterable<number>): { times: number[]; index: Map<number, number> } {
  const times = [...new Set(timestamps)].sort((a, b) => a - b);
  return { times, index: new Map(times.map((t, i) => [t, i])) };
}

/** Ranks partitions by their peak lag in the range, then their latest lag, then label: the ones worth a line of their own. */
function rankByLag(series: readonly LagSeries[]): LagSeries[] {
  const peak = (s: LagSeries) => s.points.reduce((max, point) => Math.max(max, point.lag), 0);
  const latest = (s: LagSeries) => s.points.at(-1)?.lag ?? 0;
  return [...series].sort((a, b) => peak(b) - peak(a) || latest(b) - latest(a) || seriesKey(a).localeCompare(seriesKey(b)));
}

export function buildLagCharts(series: readonly LagSeries[], topN = DEFAULT_TOP_PARTITIONS): LagCharts {
  const { times, index } = alignTimes(series.flatMap((s) => s.points.map((point) => point.t)));
  const withCluster = new Set(series.map((s) => s.cluster)).size > 1;
  const ranked = rankByLag(series);
  const shown = ranked.slice(0, topN);
  const needsAggregate = ranked.length > shown.length;

  const column = (s: LagSeries, pick: (point: LagSeries['points'][number]) => number | null) => {
    const values: (number | null)[] = new Array<number | null>(times.length).fill(null);
    for (const point of s.points) {
      const i = index.get(point.t);
      if (i !== undefined) values[i] = pick(point);
    }
    return values;
  };
  const partitionLines = (pick: (point: LagSeries['points'][number]) => number | null): ChartLine[] =>
    shown.map((s) => ({ key: seriesKey(s), label: seriesLabel(s, withCluster), kind: 'partition', values: column(s, pick) }));

  // The aggregate covers every partition, shown or not: messages add up, ages do not (the oldest wins).
  const aggregate = (pick: (point: LagSeries['points'][number]) => number | null, combine: (a: number, b: number) => number) => {
    const values: (number | null)[] = new Array<number | null>(times.length).fill(null);
    for (const s of series) {
      for (const point of s.points) {
        const i = index.get(point.t);
        const value = pick(point);
        if (i === undefined || value === null) continue;
        const current = values[i];
        values[i] = current === null || current === undefined ? value : combine(current, value);
      }
    }
    return values;
  };

  const messages: ChartLine[] = partitionLines((point) => point.lag);
  const seconds: ChartLine[] = partitionLines((point) => point.lagSeconds);
  if (needsAggregate) {
    messages.push({ key: 'total', label: `Total (all ${ranked.length} partitions)`, kind: 'aggregate', values: aggregate((point) => point.lag, (a, b) => a + b) });
    seconds.push({ key: 'max', label: `Oldest (all ${ranked.length} partitions)`, kind: 'aggregate', values: aggregate((point) => point.lagSeconds, Math.max) });
  }
  return { messages: { times, lines: messages }, seconds: { times, lines: seconds }, partitionCount: ranked.length, shownCount: shown.length };
}

export interface StatusSegment {
  status: LagStatusName;
  /** Epoch ms. */
  from: number;
  to: number;
}

/**
 * The group's worst status at each poll (or bucket), merged into runs. A run lasts until the next
 * poll; the last one for one `stepMs` (the resolution or poll interval) so it stays visible.
 */
export function buildStatusStrip(series: readonly LagSeries[], stepMs: number): StatusSegment[] {
  const worstAt = new Map<number, LagStatusName>();
  for (const s of series) {
    for (const point of s.points) worstAt.set(point.t, worseStatus(worstAt.get(point.t) ?? 'OK', point.status));
  }
  const times = [...worstAt.keys()].sort((a, b) => a - b);
  const segments: StatusSegment[] = [];
  times.forEach((t, i) => {
    const status = worstAt.get(t) ?? 'OK';
    const to = times[i + 1] ?? t + Math.max(stepMs, 1);
    const last = segments.at(-1);
    if (last && last.status === status && last.to === t) last.to = to;
    else segments.push({ status, from: t, to });
  });
  return segments;
}

/** The worst status the strip reached; OK for an empty strip. */
export const worstOfStrip = (segments: readonly StatusSegment[]): LagStatusName =>
  segments.reduce<LagStatusName>((worst, segment) => (LAG_STATUS_SEVERITY[segment.status] > LAG_STATUS_SEVERITY[worst] ? segment.status : worst), 'OK');

/** Time in queue per destination: a p50 and a p95 line each, for at most `maxDestinations` (most messages first). */
export function buildQueueTimeChart(queueTime: readonly QueueTimeSeries[], maxDestinations = 5): ChartData & { destinationCount: number } {
  const withPoints = queueTime.filter((s) => s.points.length > 0);
  const count = (s: QueueTimeSeries) => s.points.reduce((sum, point) => sum + point.count, 0);
  const shown = [...withPoints].sort((a, b) => count(b) - count(a) || a.destination.localeCompare(b.destination)).slice(0, maxDestinations);
  const { times, index } = alignTimes(shown.flatMap((s) => s.points.map((point) => point.t)));
  const lines: ChartLine[] = [];
  for (const s of shown) {
    for (const kind of ['p50', 'p95'] as const) {
      const values: (number | null)[] = new Array<number | null>(times.length).fill(null);
      for (const point of s.points) {
        const i = index.get(point.t);
        if (i !== undefined && point.count > 0) values[i] = kind === 'p50' ? point.p50Ms : point.p95Ms;
      }
      lines.push({ key: `${s.destination}|${kind}`, label: `${s.destination} ${kind}`, kind, values });
    }
  }
  return { times, lines, destinationCount: withPoints.length };
}

/** Each partition's highest lag in the range, for the table beside the charts. */
export function peakLagByPartition(series: readonly LagSeries[]): Map<string, number> {
  return new Map(series.map((s) => [seriesKey(s), s.points.reduce((max, point) => Math.max(max, point.lag), 0)]));
}
