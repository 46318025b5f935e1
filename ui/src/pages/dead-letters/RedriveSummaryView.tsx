/**
 * A redrive answer (dry run or real): the headline, where messages go or went, what was skipped
 * or failed and why, and each message's result, with the republished copy's event linked.
 */
import { Link } from 'react-router';
import type { RedriveResponse } from '../../api/schemas';
import { summarizeRedrive } from '../../model/dead-letter-format';

const RESULT_LOOK: Record<RedriveResponse['results'][number]['result'], { icon: string; className: string }> = {
  republished: { icon: '✓', className: 'status-ok' },
  'would-republish': { icon: '→', className: 'status-pending' },
  skipped: { icon: '–', className: 'status-retried' },
  failed: { icon: '✕', className: 'status-error' },
};

export function RedriveResultBadge({ result }: { result: keyof typeof RESULT_LOOK }) {
  const look = RESULT_LOOK[result];
  return (
    <span className={`status ${look.className}`}>
      <span aria-hidden="true">{look.icon}</span> {result}
    </span>
  );
}

export function RedriveSummaryView({ response, testId }: { response: RedriveResponse; testId: string }) {
  const summary = summarizeRedrive(response);
  return (
    <section className="redrive-summary" data-testid={testId} data-republish={summary.republishCount} data-skipped={summary.skippedCount} data-failed={summary.failedCount} aria-live="polite">
      <h3>{response.dryRun ? 'Dry run' : 'Result'}</h3>
      <p className="redrive-headline">
        <strong>{summary.headline}</strong>
      </p>
      <ul className="redrive-lines">
        {summary.targets.map((target) => (
          <li key={`${target.system}/${target.destination}`}>
            {response.dryRun ? 'To' : 'Sent to'} <code>{target.destination}</code> <span className="muted">({target.system})</span>: {target.count}
          </li>
        ))}
        {summary.skipped.map((line) => (
          <li key={`skipped ${line.reason}`}>
            Skipped {line.count}: {line.reason}
          </li>
        ))}
        {summary.failed.map((line) => (
          <li key={`failed ${line.reason}`} className="error-text">
            {response.dryRun ? 'Cannot redrive' : 'Failed'} {line.count}: {line.reason}
          </li>
        ))}
      </ul>
      {response.results.length > 0 && (
        <details className="redrive-details">
          <summary>Each message ({response.results.length})</summary>
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">Dead letter</th>
                <th scope="col">Result</th>
                <th scope="col">Target</th>
                <th scope="col">Detail</th>
              </tr>
            </thead>
            <tbody>
              {response.results.map((entry) => (
                <tr key={entry.id} data-testid="redrive-result-row" data-result={entry.result}>
                  <td>
                    <code>{entry.deadLetterId}</code>
                  </td>
                  <td>
                    <RedriveResultBadge result={entry.result} />
                  </td>
                  <td className="small">{entry.target ? `${entry.target.destination} (${entry.target.system})` : '–'}</td>
                  <td className="small">
                    {entry.detail}
                    {entry.newEventId && (
                      <>
                        {entry.detail ? ' · ' : ''}
                        <Link to={`/events/${encodeURIComponent(entry.newEventId)}`}>republished event</Link>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </section>
  );
}
