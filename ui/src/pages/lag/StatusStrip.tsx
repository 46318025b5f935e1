/**
 * The group's worst status over the time range as a strip of coloured runs, each with its icon
 * when wide enough and a tooltip; the whole strip is described in words for screen readers.
 */
import type { LagStatusName } from '../../api/schemas';
import { formatClock, LAG_STATUS_LOOK } from '../../model/lag-format';
import type { StatusSegment } from '../../model/lag-series';

const DESCRIBED_RUNS = 12;
/** Runs narrower than this share of the strip show no icon (it would not fit). */
const ICON_MIN_PERCENT = 3;

export function StatusStrip({ segments, from, to }: { segments: readonly StatusSegment[]; from: number; to: number }) {
  const span = Math.max(to - from, 1);
  const visible = segments.filter((segment) => segment.to > from && segment.from < to);
  const runs = visible.map((segment) => `${segment.status} ${formatClock(segment.from)}–${formatClock(segment.to)}`);
  const extra = runs.length - DESCRIBED_RUNS;
  const description =
    runs.length === 0
      ? 'No status in this time range.'
      : `Status over time: ${runs.slice(0, DESCRIBED_RUNS).join(', ')}${extra > 0 ? `, and ${extra} more changes` : ''}.`;

  return (
    <figure className="chart status-strip-figure" data-testid="lag-status-strip">
      <figcaption className="chart-title">Status over time</figcaption>
      <div className="status-strip" role="img" aria-label={description}>
        {visible.map((segment) => {
          const left = ((Math.max(segment.from, from) - from) / span) * 100;
          const width = ((Math.min(segment.to, to) - Math.max(segment.from, from)) / span) * 100;
          return (
            <span
              key={segment.from}
              className={`strip-run lag-run-${segment.status.toLowerCase()}`}
              style={{ left: `${left}%`, width: `${width}%` }}
              title={`${segment.status} (${LAG_STATUS_LOOK[segment.status].meaning}) ${formatClock(segment.from)}–${formatClock(segment.to)}`}
            >
              {width >= ICON_MIN_PERCENT && LAG_STATUS_LOOK[segment.status].icon}
            </span>
          );
        })}
      </div>
      <div className="strip-axis" aria-hidden="true">
        <span>{formatClock(from)}</span>
        <StripLegend statuses={[...new Set(visible.map((segment) => segment.status))]} />
        <span>{formatClock(to)}</span>
      </div>
    </figure>
  );
}

function StripLegend({ statuses }: { statuses: LagStatusName[] }) {
  return (
    <span className="strip-legend">
      {statuses.map((status) => (
        <span key={status}>
          <span className={`strip-swatch lag-run-${status.toLowerCase()}`}>{LAG_STATUS_LOOK[status].icon}</span> {status}
        </span>
      ))}
    </span>
  );
}
