/**
 * `/dead-letters` and `/dead-letters/:id`: hotspots (grouping in `?groupBy=`), the dead letters of
 * the selected hotspot or filter (`?fingerprint=…&group=…`), the message view of one, and redrive
 * (one, or every match of the filter) behind a dry-run confirmation. Time range and refresh are in
 * the URL like on the other pages. Loaded lazily with the route.
 */
import { useCallback, useMemo, useState } from 'react';
import { useLocation, useNavigate, useParams, useSearchParams } from 'react-router';
import type { DeadLetterDetail, DeadLetterFilter, HotspotDimension } from '../../api/schemas';
import { AutoRefreshControl } from '../../components/AutoRefreshControl';
import { TimeRangePicker } from '../../components/TimeRangePicker';
import { useTimeSettings } from '../../hooks/useTimeSettings';
import { parseFilter, parseGroupBy, withFilter, withGroupBy } from '../../model/dead-letter-filter';
import { plural, REASON_LABELS } from '../../model/dead-letter-format';
import { resolveTimeRange } from '../../model/time-range';
import { DeadLetterDetailPanel } from './DeadLetterDetailPanel';
import { DeadLetterList } from './DeadLetterList';
import { HotspotsSection } from './HotspotsSection';
import { RedriveDialog, type RedriveScope } from './RedriveDialog';

const describeOne = (detail: DeadLetterDetail) =>
  `${detail.eventType ?? 'Untyped event'} ${detail.eventId} from ${detail.origin.destination} (group ${detail.origin.group}), ${REASON_LABELS[detail.deadLetter.reason]} after ${plural(detail.attempts, 'attempt')}.`;

export function DeadLettersPage() {
  const [params, setParams] = useSearchParams();
  const { id: selectedId = null } = useParams();
  const navigate = useNavigate();
  const { search } = useLocation();
  const time = useTimeSettings('30s');
  const paramsText = params.toString();
  // Parsed from the text so a new URLSearchParams with the same content keeps the same objects.
  const filter = useMemo(() => parseFilter(new URLSearchParams(paramsText)), [paramsText]);
  const groupBy = useMemo(() => parseGroupBy(new URLSearchParams(paramsText).get('groupBy')), [paramsText]);
  const [redrive, setRedrive] = useState<RedriveScope | null>(null);
  // Bumped after a real redrive: the list and the open message load afresh (redrive counts, history).
  const [generation, setGeneration] = useState(0);

  const setFilter = useCallback((next: DeadLetterFilter) => setParams((current) => withFilter(current, next)), [setParams]);
  const setGroupBy = useCallback((next: HotspotDimension[]) => setParams((current) => withGroupBy(current, next), { replace: true }), [setParams]);
  const open = useCallback((id: string) => navigate({ pathname: `/dead-letters/${encodeURIComponent(id)}`, search }), [navigate, search]);
  const close = useCallback(() => navigate({ pathname: '/dead-letters', search }), [navigate, search]);

  return (
    <div className="dl-page" data-testid="deadletters-page">
      <div className="page-toolbar">
        <h1>Dead letters</h1>
        <TimeRangePicker range={time.range} onChange={time.setRange} />
        <AutoRefreshControl refreshMs={time.refreshMs} onChange={time.setRefreshMs} />
      </div>
      <main className={`dl-content${selectedId ? ' with-detail' : ''}`}>
        <div className="dl-main">
          <HotspotsSection range={time.range} refreshMs={time.refreshMs} groupBy={groupBy} onGroupByChange={setGroupBy} filter={filter} onSelect={setFilter} />
          <DeadLetterList
            range={time.range}
            refreshMs={time.refreshMs}
            filter={filter}
            onFilterChange={setFilter}
            selectedId={selectedId}
            onOpen={open}
            onBulkRedrive={(matching) => setRedrive({ kind: 'bulk', filter, range: resolveTimeRange(time.range, Date.now()), matching })}
            generation={generation}
          />
        </div>
        {selectedId && (
          <DeadLetterDetailPanel
            key={selectedId}
            id={selectedId}
            generation={generation}
            onClose={close}
            onRedrive={(detail) => setRedrive({ kind: 'one', id: detail.id, description: describeOne(detail) })}
          />
        )}
      </main>
      {redrive && <RedriveDialog scope={redrive} onClose={() => setRedrive(null)} onRedriven={() => setGeneration((n) => n + 1)} />}
    </div>
  );
}
