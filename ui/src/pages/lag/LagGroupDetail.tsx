/**
 * The selected group: its status and reason, charts of its lag over the page's time range, and
 * its partitions' current values. Loads `/api/lag?group=` and refreshes with the page.
 */
import { useMemo } from 'react';
import { getLag } from '../../api/queries';
import type { GroupStatusView } from '../../api/schemas';
import { LagStatusBadge } from '../../components/LagStatusBadge';
import { ErrorMessage, Loading } from '../../components/States';
import { useApi } from '../../hooks/useApi';
import { formatTimestamp } from '../../model/format';
import { formatCount, formatDrain, formatLagSeconds } from '../../model/lag-format';
import { peakLagByPartition } from '../../model/lag-series';
import { resolveTimeRange, type TimeRange } from '../../model/time-range';
import { LagCharts } from './LagCharts';
import { PartitionTable } from './PartitionTable';

interface LagGroupDetailProps {
  group: string;
  /** The group's current status, one per cluster it was seen in; empty when it has none now. */
  statuses: readonly GroupStatusView[];
  range: TimeRange;
  refreshMs: number | null;
  /** The collector's poll interval: how long the last point of a status strip lasts. */
  intervalMs: number;
  onClose: () => void;
}

export function LagGroupDetail({ group, statuses, range, refreshMs, intervalMs, onClose }: LagGroupDetailProps) {
  const lag = useApi((signal) => getLag({ group, ...resolveTimeRange(range, Date.now()) }, signal), [group, range], { refreshMs });
  const peaks = useMemo(() => (lag.data ? peakLagByPartition(lag.data.series) : undefined), [lag.data]);

  return (
    <section className="panel-section lag-detail" aria-labelledby="lag-detail-title" data-testid="lag-group-detail" data-group={group}>
      <header className="panel-header">
        <h2 id="lag-detail-title">
          Group <span className="lag-group-name">{group}</span>
        </h2>
        <button type="button" className="button icon" onClick={onClose} aria-label="Close group details">
          ✕
        </button>
      </header>
      {statuses.length === 0 && <p className="muted small">No current status for this group: the lag monitor does not see it now. Its history is below.</p>}
      {statuses.map((status) => (
        <div key={status.cluster} className="lag-detail-status">
          <LagStatusBadge status={status.status} reason={status.reason} />
          <span className="lag-reason">{status.reason}</span>
          <dl className="facts lag-facts">
            <dt>Lag</dt>
            <dd>
              {formatCount(status.lag)} messages · {formatLagSeconds(status.lagSeconds)} · drain {formatDrain(status.drainSeconds, status.lag)}
            </dd>
            <dt>Members</dt>
            <dd>{status.members === 0 ? '0 (empty group)' : status.members}</dd>
            <dt>Source</dt>
            <dd>
              {status.source} ({status.system}
              {status.cluster !== 'default' ? `, cluster ${status.cluster}` : ''})
            </dd>
            <dt>Updated</dt>
            <dd>{formatTimestamp(status.updatedAt)}</dd>
          </dl>
        </div>
      ))}
      {lag.error && !lag.data && <ErrorMessage error={lag.error} what="lag history" onRetry={lag.reload} />}
      {lag.error && lag.data && (
        <p className="error-text small" role="status">
          Refresh failed: {lag.error.message}
        </p>
      )}
      {!lag.data && !lag.error && <Loading what="lag history" />}
      {lag.data && <LagCharts lag={lag.data} stepMs={intervalMs} />}
      <h3>Per {statuses.every((status) => status.system !== 'kafka') && statuses.length > 0 ? 'queue' : 'partition'} now</h3>
      <PartitionTable statuses={statuses} peaks={peaks} />
    </section>
  );
}
