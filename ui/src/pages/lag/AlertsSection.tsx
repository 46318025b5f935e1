/** Alerts now (firing first, then pending) and their history of firing and resolving, newest first. */
import { getAlerts } from '../../api/queries';
import type { ActiveAlertView, AlertEventView } from '../../api/schemas';
import { ErrorMessage, Loading } from '../../components/States';
import { useApi } from '../../hooks/useApi';
import { formatTimestamp } from '../../model/format';
import { formatAlertValue } from '../../model/lag-format';

const HISTORY_LIMIT = 50;

const STATE_LOOK: Record<ActiveAlertView['state'] | AlertEventView['state'], { icon: string; className: string }> = {
  firing: { icon: '⚠', className: 'alert-firing' },
  pending: { icon: '…', className: 'alert-pending' },
  resolved: { icon: '✓', className: 'alert-resolved' },
};

function AlertState({ state, silenced }: { state: keyof typeof STATE_LOOK; silenced: boolean }) {
  const look = STATE_LOOK[state];
  return (
    <span className={`status ${look.className}`}>
      <span aria-hidden="true">{look.icon}</span>
      <span>{state}</span>
      {silenced && <span className="muted"> (silenced)</span>}
    </span>
  );
}

export function AlertsSection({ refreshMs }: { refreshMs: number | null }) {
  const alerts = useApi((signal) => getAlerts({ limit: HISTORY_LIMIT }, signal), HISTORY_LIMIT, { refreshMs });
  return (
    <section className="panel-section" aria-labelledby="alerts-title">
      <h2 id="alerts-title">Alerts</h2>
      {alerts.error && !alerts.data && <ErrorMessage error={alerts.error} what="alerts" onRetry={alerts.reload} />}
      {alerts.error && alerts.data && (
        <p className="error-text small" role="status">
          Refresh failed: {alerts.error.message}
        </p>
      )}
      {!alerts.data && !alerts.error && <Loading what="alerts" />}
      {alerts.data && (
        <>
          <h3>Active</h3>
          <div data-testid="alerts-active">
            {alerts.data.active.length === 0 ? (
              <p className="muted small">No alert is firing or pending.</p>
            ) : (
              <div className="table-scroll">
                <table className="data-table">
                  <caption className="visually-hidden">Active alerts</caption>
                  <thead>
                    <tr>
                      <th scope="col">State</th>
                      <th scope="col">Rule</th>
                      <th scope="col">Group → topic / queue</th>
                      <th scope="col" className="number">
                        Value
                      </th>
                      <th scope="col" className="number">
                        Threshold
                      </th>
                      <th scope="col">Since</th>
                      <th scope="col">Why</th>
                    </tr>
                  </thead>
                  <tbody>
                    {alerts.data.active.map((alert) => (
                      <tr key={alert.id} data-testid="alert-row" data-state={alert.state} data-rule-id={alert.ruleId} data-group={alert.group}>
                        <td>
                          <AlertState state={alert.state} silenced={alert.silenced} />
                        </td>
                        <td>{alert.ruleName}</td>
                        <td>
                          {alert.group} → {alert.destination}
                        </td>
                        <td className="number">{formatAlertValue(alert.metric, alert.value)}</td>
                        <td className="number">{formatAlertValue(alert.metric, alert.threshold)}</td>
                        <td className="small">{formatTimestamp(alert.since)}</td>
                        <td className="small">{alert.reason || alert.message}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </div>
          <h3>History</h3>
          <div data-testid="alerts-history">
            {alerts.data.history.length === 0 ? (
              <p className="muted small">No alert has fired yet.</p>
            ) : (
              <ol className="alert-history">
                {newestFirst(alerts.data.history).map((event) => (
                  <li key={event.id} data-testid="alert-row" data-state={event.state} data-rule-id={event.ruleId} data-group={event.group}>
                    <span className="small muted alert-time">{formatTimestamp(event.at)}</span>
                    <AlertState state={event.state} silenced={event.silenced} />
                    <span>{event.message}</span>
                  </li>
                ))}
              </ol>
            )}
          </div>
        </>
      )}
    </section>
  );
}

/** The collector sends history newest first; sorting again keeps the page right if one does not. */
const newestFirst = (history: readonly AlertEventView[]) => [...history].sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
