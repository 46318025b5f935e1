/** The broker connections the lag monitor polls: up or down (with the error), and the last poll. */
import type { LagSourceView } from '../../api/schemas';
import { formatDuration, formatTimestamp } from '../../model/format';

export function LagSources({ sources, intervalMs }: { sources: readonly LagSourceView[]; intervalMs: number }) {
  if (sources.length === 0) return <p className="muted small lag-sources-none">No broker is polled for lag; time in queue from spans still shows per group.</p>;
  return (
    <ul className="lag-sources" aria-label={`Lag sources, polled every ${formatDuration(intervalMs)}`} data-testid="lag-sources">
      {sources.map((source) => (
        <li key={source.name} className={`lag-source ${source.up ? 'up' : 'down'}`} data-testid="lag-source" data-up={source.up}>
          <span className={`status ${source.up ? 'status-ok' : 'status-error'}`}>
            <span aria-hidden="true">{source.up ? '●' : '✕'}</span>
            <span>{source.up ? 'up' : 'down'}</span>
          </span>
          <span className="lag-source-name">{source.name}</span>
          <span className="muted small">
            {source.lastPollAt ? `last poll ${formatTimestamp(source.lastPollAt)}` : 'not polled yet'}
            {source.lastPollMs !== null && ` in ${formatDuration(source.lastPollMs)}`}
          </span>
          {source.error && <span className="error-text small">{source.error}</span>}
        </li>
      ))}
    </ul>
  );
}
