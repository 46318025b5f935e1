/** The events behind a clicked topology edge, each linking to its lineage. */
import { Link } from 'react-router';
import { searchEvents } from '../../api/queries';
import type { TopologyNode } from '../../api/schemas';
import { Empty, ErrorMessage, Loading } from '../../components/States';
import { StatusBadge } from '../../components/StatusBadge';
import { useApi } from '../../hooks/useApi';
import { formatTimestamp } from '../../model/format';
import { edgeEventSearch, type TopologyGraphEdge } from '../../model/topology-graph';

const LIMIT = 100;

interface EdgeEventsProps {
  edge: TopologyGraphEdge;
  nodes: readonly TopologyNode[];
  range: { from: string; to: string };
  /** Query string for the lineage links (keeps the time range). */
  linkSearch: string;
  onClose: () => void;
}

export function EdgeEvents({ edge, nodes, range, linkSearch, onClose }: EdgeEventsProps) {
  const search = edgeEventSearch(edge, nodes, range);
  const events = useApi((signal) => searchEvents({ ...search, limit: LIMIT }, signal), search);
  const name = (id: string) => nodes.find((node) => node.id === id)?.name ?? id;

  return (
    <aside className="edge-events" data-testid="edge-events" aria-label="Events on the selected edge">
      <header className="panel-header">
        <h2>
          {name(edge.source)} → {name(edge.target)}
        </h2>
        <button type="button" className="button icon" onClick={onClose} aria-label="Close edge events">
          ✕
        </button>
      </header>
      <p className="muted small">
        {edge.role === 'produce'
          ? `Events ${name(edge.source)} published to ${name(edge.target)}.`
          : `Events published to ${name(edge.source)}, which ${name(edge.target)}${edge.edge.group ? ` (group ${edge.edge.group})` : ''} consumes.`}{' '}
        {edge.edge.count} in range, {edge.edge.errors} failed, p50 {edge.edge.p50Ms.toFixed(1)} ms.
      </p>
      {events.error && <ErrorMessage error={events.error} what="events" onRetry={events.reload} />}
      {!events.data && !events.error && <Loading what="events" />}
      {events.data?.length === 0 && <Empty>No events on this edge in the time range.</Empty>}
      {events.data && events.data.length > 0 && (
        <ul className="result-list">
          {events.data.map((event) => (
            <li key={event.id}>
              <Link className="search-result" to={{ pathname: `/events/${encodeURIComponent(event.id)}`, search: linkSearch }}>
                <span className="result-head">
                  <span className="result-type">{event.type ?? 'untyped event'}</span>
                  <StatusBadge status={event.status} compact />
                </span>
                <span className="result-route">
                  {event.producer?.service ?? 'unknown producer'} → {event.destination ?? '?'} · {event.consumerCount} consumer{event.consumerCount === 1 ? '' : 's'}
                </span>
                <span className="result-time">{formatTimestamp(event.publishedAt)}</span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </aside>
  );
}
