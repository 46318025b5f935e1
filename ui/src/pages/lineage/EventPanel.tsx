/**
 * Details of one event beside the graph: ids and times, its producer, each consumer with its
 * outcome and latencies, and the spans of its trace as a waterfall with their attributes.
 */
import { getEvent, getTrace } from '../../api/queries';
import type { EventDetail } from '../../api/schemas';
import { CopyableId } from '../../components/CopyableId';
import { Empty, ErrorMessage, Loading } from '../../components/States';
import { StatusBadge } from '../../components/StatusBadge';
import { TraceWaterfall } from '../../components/TraceWaterfall';
import { useApi } from '../../hooks/useApi';
import { formatDuration, formatTimestamp } from '../../model/format';

interface EventPanelProps {
  eventId: string;
  onClose: () => void;
  /** Opens this event's own lineage. */
  onFocus?: (id: string) => void;
}

export function EventPanel({ eventId, onClose, onFocus }: EventPanelProps) {
  const event = useApi((signal) => getEvent(eventId, signal), eventId);
  return (
    <aside className="event-panel" data-testid="event-panel" aria-label="Event details">
      <header className="panel-header">
        <h2>{event.data?.type ?? (event.data ? 'Untyped event' : 'Event')}</h2>
        {event.data && <StatusBadge status={event.data.status} />}
        <button type="button" className="button icon" onClick={onClose} aria-label="Close event details">
          ✕
        </button>
      </header>
      {event.error && <ErrorMessage error={event.error} what="event" onRetry={event.reload} />}
      {!event.data && !event.error && <Loading what="event" />}
      {event.data && <EventDetails event={event.data} onFocus={onFocus} />}
    </aside>
  );
}

function EventDetails({ event, onFocus }: { event: EventDetail; onFocus?: (id: string) => void }) {
  return (
    <div className="panel-body">
      {event.sendError && <p className="error-text">✕ The producer failed to send this event.</p>}
      <dl className="facts">
        <dt>Event id</dt>
        <dd>
          <CopyableId value={event.id} />
        </dd>
        <dt>Producer</dt>
        <dd>{event.producer?.service ?? <span className="muted">not seen</span>}</dd>
        <dt>Destination</dt>
        <dd>
          {event.destination ?? '–'}
          {event.system && <span className="muted"> ({event.system})</span>}
        </dd>
        <dt>Published</dt>
        <dd>{formatTimestamp(event.publishedAt)}</dd>
        <dt>Send took</dt>
        <dd>{event.sendDurationMs === null ? '–' : formatDuration(event.sendDurationMs)}</dd>
        <dt>Trace</dt>
        <dd>
          <CopyableId value={event.traceId} />
        </dd>
        <dt>Span</dt>
        <dd>
          <CopyableId value={event.spanId} />
        </dd>
      </dl>
      {onFocus && (
        <button type="button" className="button" onClick={() => onFocus(event.id)}>
          Show this event’s lineage
        </button>
      )}

      <h3>Consumers ({event.consumers.length})</h3>
      {event.consumers.length === 0 ? (
        <Empty>No consumer has handled this event yet.</Empty>
      ) : (
        <table className="consumers">
          <thead>
            <tr>
              <th scope="col">Consumer</th>
              <th scope="col">Outcome</th>
              <th scope="col">Queue</th>
              <th scope="col">Processing</th>
            </tr>
          </thead>
          <tbody>
            {event.consumers.map((consumer) => (
              <tr key={`${consumer.traceId}-${consumer.spanId}`}>
                <td>
                  {consumer.service}
                  {consumer.group && consumer.group !== consumer.service && <span className="muted"> ({consumer.group})</span>}
                  <div className="muted small">{formatTimestamp(consumer.processedAt)}</div>
                </td>
                <td>
                  <StatusBadge status={consumer.outcome} />
                </td>
                <td>{consumer.queueMs === null ? '–' : formatDuration(consumer.queueMs)}</td>
                <td>{formatDuration(consumer.durationMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h3>Trace</h3>
      {event.traceId ? <TraceSection traceId={event.traceId} spanId={event.spanId} /> : <Empty>The producer span has not been received, so there is no trace to show.</Empty>}
    </div>
  );
}

function TraceSection({ traceId, spanId }: { traceId: string; spanId: string | null }) {
  const trace = useApi((signal) => getTrace(traceId, signal), traceId);
  if (trace.error) return <ErrorMessage error={trace.error} what="trace" onRetry={trace.reload} />;
  if (!trace.data) return <Loading what="trace" />;
  return (
    <>
      {trace.data.truncated && <p className="muted">Only the earliest spans of this very large trace are shown.</p>}
      <p className="muted small">Select a span to see its attributes; the event’s producer span is outlined.</p>
      <TraceWaterfall key={traceId} spans={trace.data.spans} highlightSpanId={spanId} />
    </>
  );
}
