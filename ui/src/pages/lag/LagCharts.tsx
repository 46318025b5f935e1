/**
 * A group's lag over the time range: messages and seconds per partition (or queue), the worst
 * status as a strip, and time in queue from spans when there is any. The partition table beside
 * these is their text alternative.
 */
import { useMemo } from 'react';
import type { LagResponse } from '../../api/schemas';
import { TimeSeriesChart, type ChartLineStyle } from '../../components/TimeSeriesChart';
import { formatDuration } from '../../model/format';
import { formatCompactCount, formatCount, formatLagSeconds } from '../../model/lag-format';
import { buildLagCharts, buildQueueTimeChart, buildStatusStrip, type ChartLine } from '../../model/lag-series';
import { StatusStrip } from './StatusStrip';

/** Ten well-separated hues (Tableau 10); the aggregate line is dark and dashed, p95 lines dashed too. */
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
const AGGREGATE_COLOR = '#17202e';

/** `aggregateAxis`: label of the right-hand axis the aggregate line gets, or none to share the left one. */
function styled(lines: readonly ChartLine[], aggregateAxis?: string): ChartLineStyle[] {
  let hue = 0;
  const destinationHue = new Map<string, string>();
  return lines.map((line) => {
    if (line.kind === 'aggregate') return { label: line.label, values: line.values, color: AGGREGATE_COLOR, dash: [6, 4], width: 2, ...(aggregateAxis ? { ownAxis: aggregateAxis } : {}) };
    if (line.kind === 'p50' || line.kind === 'p95') {
      // p50 and p95 of one destination share a colour; the dash tells them apart.
      const destination = line.key.slice(0, line.key.lastIndexOf('|'));
      const color = destinationHue.get(destination) ?? PALETTE[hue++ % PALETTE.length] ?? AGGREGATE_COLOR;
      destinationHue.set(destination, color);
      return { label: line.label, values: line.values, color, ...(line.kind === 'p95' ? { dash: [4, 3] } : {}) };
    }
    return { label: line.label, values: line.values, color: PALETTE[hue++ % PALETTE.length] ?? AGGREGATE_COLOR };
  });
}

export function LagCharts({ lag, stepMs }: { lag: LagResponse; stepMs: number }) {
  const xRange = useMemo((): [number, number] => [Date.parse(lag.from), Date.parse(lag.to)], [lag.from, lag.to]);
  const charts = useMemo(() => buildLagCharts(lag.series), [lag.series]);
  // The total of many partitions dwarfs each of them: it gets its own axis. The oldest age does not.
  const messageLines = useMemo(() => styled(charts.messages.lines, 'total (dashed)'), [charts]);
  const secondLines = useMemo(() => styled(charts.seconds.lines), [charts]);
  const strip = useMemo(() => buildStatusStrip(lag.series, lag.resolutionMs || stepMs), [lag.series, lag.resolutionMs, stepMs]);
  const queueTime = useMemo(() => buildQueueTimeChart(lag.queueTime), [lag.queueTime]);
  const queueLines = useMemo(() => styled(queueTime.lines), [queueTime]);
  const unit = charts.partitionCount === 1 ? 'partition or queue' : 'partitions or queues';
  const textAlternative = 'Current values per partition are in the table below.';

  return (
    <div className="lag-charts">
      <p className="muted small">
        {lag.resolutionMs > 0 ? `One point per ${formatDuration(lag.resolutionMs)} (the highest lag in each step).` : 'Every poll.'}{' '}
        {charts.shownCount < charts.partitionCount &&
          `Showing the ${charts.shownCount} ${unit} with the most lag of ${formatCount(charts.partitionCount)}, plus a dashed line over all of them (the total in messages on the right-hand axis, the oldest in seconds).`}
        {lag.truncated && <strong> The series were cut short at the point limit: narrow the time range to see all of it.</strong>}
      </p>
      <TimeSeriesChart
        testId="lag-chart-messages"
        title="Lag in messages"
        description={`Messages behind per ${unit} over time${charts.shownCount < charts.partitionCount ? ', and the total' : ''}. ${textAlternative}`}
        times={charts.messages.times}
        lines={messageLines}
        formatValue={formatCount}
        formatAxis={formatCompactCount}
        xRange={xRange}
      />
      <TimeSeriesChart
        testId="lag-chart-seconds"
        title="Lag in seconds (age of the oldest unconsumed message)"
        description={`Seconds behind per ${unit} over time${charts.shownCount < charts.partitionCount ? ', and the oldest over all' : ''}. ${textAlternative}`}
        times={charts.seconds.times}
        lines={secondLines}
        formatValue={formatLagSeconds}
        xRange={xRange}
      />
      <StatusStrip segments={strip} from={xRange[0]} to={xRange[1]} />
      {queueTime.lines.length > 0 && (
        <TimeSeriesChart
          testId="lag-chart-queue-time"
          title="Time in queue from spans (p50 solid, p95 dashed)"
          description={`Time from publish to start of processing, median and 95th percentile, for ${queueTime.destinationCount} destination${queueTime.destinationCount === 1 ? '' : 's'}, measured from traces.`}
          times={queueTime.times}
          lines={queueLines}
          formatValue={formatDuration}
          xRange={xRange}
          height={180}
        />
      )}
    </div>
  );
}
