/**
 * The message view of one dead letter (`/dead-letters/:id`): the error with its stack, where the
 * message came from and where it went, why and by which convention, who produced it, attempts and
 * failure times, its headers and payload (as captured and redacted by the SDK, or a note that
 * capture is off), a link into its lineage, its redrive history, and the redrive button.
 */
import { Link } from 'react-router';
import { getDeadLetter } from '../../api/queries';
import type { DeadLetterDetail } from '../../api/schemas';
import { CopyableId } from '../../components/CopyableId';
import { ErrorMessage, Loading } from '../../components/States';
import { useApi } from '../../hooks/useApi';
import { CONVENTION_LABELS, formatPayload, REASON_LABELS, sortedHeaders } from '../../model/dead-letter-format';
import { formatTimestamp } from '../../model/format';
import { RedriveFlag } from './DeadLetterList';
import { RedriveResultBadge } from './RedriveSummaryView';

interface DeadLetterDetailPanelProps {
  id: string;
  /** Changes after a redrive, to load the record (and its history) afresh. */
  generation: number;
  onClose: () => void;
  onRedrive: (detail: DeadLetterDetail) => void;
}

export function DeadLetterDetailPanel({ id, generation, onClose, onRedrive }: DeadLetterDetailPanelProps) {
  const detail = useApi((signal) => getDeadLetter(id, signal), ['dead-letter', id, generation]);
  return (
    <section className="panel-section dl-detail" aria-labelledby="dl-detail-title" data-testid="deadletter-detail" data-id={id}>
      <header className="panel-header">
        <h2 id="dl-detail-title">{detail.data?.error.type ?? 'Dead letter'}</h2>
        {detail.data && <RedriveFlag deadLetter={detail.data} />}
        <button type="button" className="button icon" onClick={onClose} aria-label="Close the dead letter">
          ✕
        </button>
      </header>
      {detail.error && <ErrorMessage error={detail.error} what="dead letter" onRetry={detail.reload} />}
      {!detail.data && !detail.error && <Loading what="the dead letter" />}
      {detail.data && <DetailBody detail={detail.data} onRedrive={onRedrive} />}
    </section>
  );
}

function DetailBody({ detail, onRedrive }: { detail: DeadLetterDetail; onRedrive: (detail: DeadLetterDetail) => void }) {
  const payload = formatPayload(detail.payload);
  const headers = sortedHeaders(detail.headers);
  const lineagePath = detail.lineage.uiPath.startsWith('/') ? detail.lineage.uiPath : `/events/${encodeURIComponent(detail.lineage.eventId)}`;
  const origin = detail.origin;
  return (
    <div className="panel-body">
      <p className="dl-message">{detail.error.message ?? <span className="muted">No error message was recorded.</span>}</p>
      <div className="form-actions">
        <button type="button" className="button primary" data-testid="redrive-button" onClick={() => onRedrive(detail)}>
          Redrive…
        </button>
        <Link className="button" to={lineagePath} data-testid="deadletter-lineage-link">
          Open its lineage
        </Link>
      </div>
      <dl className="facts dl-facts">
        <dt>Event</dt>
        <dd>
          {detail.eventType ?? <span className="muted">untyped</span>} <CopyableId value={detail.eventId} />
        </dd>
        <dt>Origin</dt>
        <dd>
          <span className="dl-key-value">{origin.destination}</span>
          {detail.system && <span className="muted"> ({detail.system})</span>}
          {origin.partition !== null && <span className="muted"> · partition {origin.partition}</span>}
          {origin.offset !== null && <span className="muted"> · offset {origin.offset}</span>}
        </dd>
        <dt>Consumer</dt>
        <dd>
          {origin.group}
          {origin.service && <span className="muted"> · {origin.service}</span>}
        </dd>
        <dt>Dead-lettered to</dt>
        <dd>{detail.deadLetter.destination ?? <span className="muted">unknown (the broker dropped or parked it)</span>}</dd>
        <dt>Reason</dt>
        <dd>
          {REASON_LABELS[detail.deadLetter.reason]}
          <div className="muted small">seen through {CONVENTION_LABELS[detail.deadLetter.convention]}</div>
        </dd>
        <dt>Producer</dt>
        <dd>
          {detail.producer.service ?? <span className="muted">not seen</span>}
          {detail.producer.version && <span className="muted"> version {detail.producer.version}</span>}
        </dd>
        <dt>Attempts</dt>
        <dd data-testid="deadletter-attempts">{detail.attempts}</dd>
        <dt>First failure</dt>
        <dd>{formatTimestamp(detail.firstFailureAt)}</dd>
        <dt>Last failure</dt>
        <dd>{formatTimestamp(detail.lastFailureAt)}</dd>
        <dt>Dead-lettered</dt>
        <dd>{formatTimestamp(detail.deadLetteredAt)}</dd>
        <dt>Fingerprint</dt>
        <dd>
          <code>{detail.error.fingerprint}</code>
        </dd>
        <dt>Trace</dt>
        <dd>
          <CopyableId value={detail.traceId} />
        </dd>
      </dl>

      <div data-testid="deadletter-stack">
        {detail.error.stack ? (
          <details className="dl-stack">
            <summary>Stack trace</summary>
            <pre>{detail.error.stack}</pre>
          </details>
        ) : (
          <p className="muted small">No stack trace was recorded.</p>
        )}
      </div>

      <h3>Headers</h3>
      {detail.headers === null ? (
        <p className="muted small">Headers were not captured.</p>
      ) : headers.length === 0 ? (
        <p className="muted small">No headers.</p>
      ) : (
        <dl className="attributes" data-testid="deadletter-headers">
          {headers.map(([name, value]) => (
            <div key={name} className="attribute">
              <dt>{name}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      )}

      <h3>Payload</h3>
      <div data-testid="deadletter-payload" data-captured={payload.kind !== 'not-captured'}>
        {payload.kind === 'not-captured' ? (
          <p className="muted small">Not captured — payload capture is off. It is opt-in in the SDK, which redacts and size-caps a payload before it leaves the process.</p>
        ) : (
          <>
            <pre className={`dl-payload payload-${payload.kind}`}>{payload.text}</pre>
            <p className="muted small">
              {payload.kind === 'json' ? 'JSON, re-indented.' : 'As captured.'} Redacted by the SDK before it left the service.
              {detail.payloadTruncated && ' Cut off at the capture size limit.'}
            </p>
          </>
        )}
      </div>

      <h3>Redrive history</h3>
      {detail.redrives.length === 0 ? (
        <p className="muted small">Never redriven.</p>
      ) : (
        <ul className="redrive-history" data-testid="redrive-history">
          {detail.redrives.map((entry) => (
            <li key={entry.id} data-result={entry.result}>
              <span className="alert-time">{formatTimestamp(entry.at)}</span>
              <RedriveResultBadge result={entry.result} />
              {entry.dryRun && <span className="muted small">(dry run)</span>}
              <span className="small">by {entry.actor}</span>
              {entry.target && (
                <span className="small">
                  → <code>{entry.target.destination}</code>
                </span>
              )}
              {entry.detail && <span className="muted small">{entry.detail}</span>}
              {entry.newEventId && (
                <Link className="small" to={`/events/${encodeURIComponent(entry.newEventId)}`}>
                  republished event
                </Link>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
