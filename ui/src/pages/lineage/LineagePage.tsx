/**
 * `/` and `/events/:id`: search on the left, the selected event's causal graph in the middle, the
 * clicked node's details on the right. Filters, time range, refresh, depth and the selected node
 * are all in the URL, so any view can be shared as a link.
 */
import { useCallback, useMemo } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { searchEvents } from '../../api/queries';
import { AutoRefreshControl } from '../../components/AutoRefreshControl';
import { Empty } from '../../components/States';
import { TimeRangePicker } from '../../components/TimeRangePicker';
import { useApi } from '../../hooks/useApi';
import { useTimeSettings } from '../../hooks/useTimeSettings';
import { DEFAULT_LINEAGE_DEPTH } from '../../model/lineage-graph';
import { resolveTimeRange } from '../../model/time-range';
import { EventPanel } from './EventPanel';
import { EventSearch, FILTER_KEYS, filtersFrom, type SearchFilters } from './EventSearch';
import { LineageView } from './LineageView';
import { SearchResults } from './SearchResults';

const RESULT_LIMIT = 50;

export function LineagePage() {
  const { id: eventId } = useParams();
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const time = useTimeSettings(null);
  const filters = useMemo(() => filtersFrom(params), [params]);
  const selectedId = params.get('selected');
  const depth = Number(params.get('depth')) || DEFAULT_LINEAGE_DEPTH;

  const results = useApi(
    (signal) => searchEvents({ ...nonEmpty(filters), ...resolveTimeRange(time.range, Date.now()), limit: RESULT_LIMIT }, signal),
    [filters, time.range],
    { refreshMs: time.refreshMs },
  );

  const updateParams = useCallback(
    (change: (next: URLSearchParams) => void) =>
      setParams((current) => {
        const next = new URLSearchParams(current);
        change(next);
        return next;
      }),
    [setParams],
  );
  const onSearch = (next: SearchFilters) =>
    updateParams((p) => {
      for (const key of FILTER_KEYS) {
        if (next[key]) p.set(key, next[key]);
        else p.delete(key);
      }
    });
  // The lineage of another event starts without a selection; the rest of the query carries over.
  const linkSearch = useMemo(() => {
    const next = new URLSearchParams(params);
    next.delete('selected');
    const text = next.toString();
    return text ? `?${text}` : '';
  }, [params]);
  const openEvent = useCallback((id: string) => navigate({ pathname: `/events/${encodeURIComponent(id)}`, search: linkSearch }), [navigate, linkSearch]);
  const select = useCallback((id: string) => updateParams((p) => p.set('selected', id)), [updateParams]);

  return (
    <div className={`lineage-page${selectedId ? ' with-panel' : ''}`}>
      <div className="page-toolbar">
        <h1>Lineage</h1>
        <TimeRangePicker range={time.range} onChange={time.setRange} />
        <AutoRefreshControl refreshMs={time.refreshMs} onChange={time.setRefreshMs} loading={results.loading} />
      </div>
      <aside className="sidebar">
        <EventSearch key={FILTER_KEYS.map((k) => filters[k]).join('\u0000')} filters={filters} onSearch={onSearch} onOpenEvent={openEvent} />
        <SearchResults
          events={results.data}
          error={results.error}
          loading={results.loading}
          onRetry={results.reload}
          currentId={eventId}
          linkSearch={linkSearch}
          limit={RESULT_LIMIT}
        />
      </aside>
      <main className="graph-area">
        {eventId ? (
          <LineageView
            key={eventId}
            eventId={eventId}
            depth={depth}
            onDepthChange={(next) => updateParams((p) => p.set('depth', String(next)))}
            refreshMs={time.refreshMs}
            selectedId={selectedId}
            onSelect={select}
          />
        ) : (
          <Empty>
            Search for events on the left and pick one to see what caused it and what it caused, or enter an event id.
          </Empty>
        )}
      </main>
      {selectedId && (
        <EventPanel
          key={selectedId}
          eventId={selectedId}
          onClose={() => updateParams((p) => p.delete('selected'))}
          onFocus={selectedId !== eventId ? openEvent : undefined}
        />
      )}
    </div>
  );
}

function nonEmpty(filters: SearchFilters): Partial<SearchFilters> {
  return Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== ''));
}
