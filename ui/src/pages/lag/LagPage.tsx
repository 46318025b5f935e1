/**
 * `/lag`: consumer lag per group, worst first, with the brokers polled; the selected group's
 * charts (`?group=` in the URL); alerts and alert rules. Time range and refresh are in the URL
 * like on the other pages. Loaded lazily: the chart library stays out of the main bundle.
 */
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { getLagStatus } from '../../api/queries';
import { AutoRefreshControl } from '../../components/AutoRefreshControl';
import { Empty, ErrorMessage, Loading } from '../../components/States';
import { TimeRangePicker } from '../../components/TimeRangePicker';
import { useApi } from '../../hooks/useApi';
import { useTimeSettings } from '../../hooks/useTimeSettings';
import { AlertsSection } from './AlertsSection';
import { LagGroupDetail } from './LagGroupDetail';
import { LagGroupsTable } from './LagGroupsTable';
import { LagSources } from './LagSources';
import { RulesSection } from './RulesSection';

/** Used for the status strip until the collector has said its interval. */
const DEFAULT_INTERVAL_MS = 10_000;

export function LagPage() {
  const [params, setParams] = useSearchParams();
  // The collector polls every 10 s by default: refreshing faster shows nothing new.
  const time = useTimeSettings('10s');
  const status = useApi((signal) => getLagStatus(signal), 'lag-status', { refreshMs: time.refreshMs });
  const selectedGroup = params.get('group');
  const selectedStatuses = useMemo(() => status.data?.groups.filter((group) => group.group === selectedGroup) ?? [], [status.data, selectedGroup]);

  const selectGroup = useCallback(
    (group: string | null) =>
      setParams((current) => {
        const next = new URLSearchParams(current);
        if (group) next.set('group', group);
        else next.delete('group');
        return next;
      }),
    [setParams],
  );

  return (
    <div className="lag-page" data-testid="lag-page">
      <div className="page-toolbar">
        <h1>Consumer lag</h1>
        <TimeRangePicker range={time.range} onChange={time.setRange} />
        <AutoRefreshControl refreshMs={time.refreshMs} onChange={time.setRefreshMs} loading={status.loading} />
        {status.error && status.data && (
          <span className="error-text small" role="status">
            Refresh failed: {status.error.message}
          </span>
        )}
      </div>
      <main className={`lag-content${selectedGroup ? ' with-detail' : ''}`}>
        <section className="panel-section lag-groups-section" aria-labelledby="lag-groups-title">
          <h2 id="lag-groups-title">Consumer groups</h2>
          {status.error && !status.data && <ErrorMessage error={status.error} what="consumer lag" onRetry={status.reload} />}
          {!status.data && !status.error && <Loading what="consumer lag" />}
          {status.data && (
            <>
              <LagSources sources={status.data.sources} intervalMs={status.data.intervalMs} />
              {status.data.groups.length === 0 ? (
                <Empty>No consumer groups yet: start the collector with --kafka / --rabbitmq, or --demo.</Empty>
              ) : (
                <LagGroupsTable groups={status.data.groups} selectedGroup={selectedGroup} onSelect={selectGroup} />
              )}
            </>
          )}
        </section>
        {selectedGroup && (
          <LagGroupDetail
            key={selectedGroup}
            group={selectedGroup}
            statuses={selectedStatuses}
            range={time.range}
            refreshMs={time.refreshMs}
            intervalMs={status.data?.intervalMs ?? DEFAULT_INTERVAL_MS}
            onClose={() => selectGroup(null)}
          />
        )}
        <AlertsSection refreshMs={time.refreshMs} />
        <RulesSection />
      </main>
    </div>
  );
}
