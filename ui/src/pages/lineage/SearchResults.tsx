/** Events matching the filters in the time range, newest first; each opens its lineage. */
import { Link } from 'react-router';
import type { EventSummary } from '../../api/schemas';
import { Empty, ErrorMessage, Loading } from '../../components/States';
import { StatusBadge } from '../../components/StatusBadge';
import { formatTimestamp } from '../../model/format';

interface SearchResultsProps {
  events: EventSummary[] | undefined;
  error: Error | undefined;
  loading: boolean;
  onRetry: () => void;
  currentId: string | undefined;
  /** Query string the result links carry (time range, filters). */
  linkSearch: string;
  limit: number;
}

export function SearchResults({ events, error, loading, onRetry, currentId, linkSearch, limit }: SearchResultsProps) {
  return (
    <section className="search-results" aria-label="Search results" aria-busy={loading}>
      {error && <ErrorMessage error={error} what="events" onRetry={onRetry} />}
      {!events && !error && loading && <Loading what="events" />}
      {events && events.length === 0 && <Empty>No events match in this time range. Widen the range or clear a filter.</Empty>}
      {events && events.length > 0 && (
        <>
          <p className="result-count">
            {events.length === limit ? `Newest ${limit} events` : `${events.length} event${events.length === 1 ? '' : 's'}`}
          </p>
          <ul className="result-list">
            {events.map((event) => (
              <li key={event.id}>
                <Link
                  to={{ pathname: `/events/${encodeURIComponent(event.id)}`, search: linkSearch }}
                  className={`search-result${event.id === currentId ? ' current' : ''}`}
                  data-testid="search-result"
                  aria-current={event.id === currentId ? 'page' : undefined}
                >
                  <span className="result-head">
                    <span className="result-type">{event.type ?? 'untyped event'}</span>
                    <StatusBadge status={event.status} compact />
                  </span>
                  <span className="result-route">
                    {event.producer?.service ?? 'unknown producer'} → {event.destination ?? '?'}
                  </span>
                  <span className="result-time">{formatTimestamp(event.publishedAt)}</span>
                </Link>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
