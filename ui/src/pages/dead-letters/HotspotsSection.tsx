/**
 * Where dead letters concentrate over the page's range: `/api/deadletters/hotspots` grouped by
 * the dimensions chosen here (`?groupBy=` in the URL), refreshed with the page.
 */
import { useMemo } from 'react';
import { getDeadLetterHotspots } from '../../api/queries';
import type { DeadLetterFilter, HotspotDimension } from '../../api/schemas';
import { ErrorMessage, Loading } from '../../components/States';
import { useApi } from '../../hooks/useApi';
import { bucketForRange, DIMENSION_LABELS } from '../../model/dead-letter-filter';
import { hotspotTableRows } from '../../model/dead-letter-hotspots';
import { formatLagSeconds } from '../../model/lag-format';
import { presetMs, resolveTimeRange, type TimeRange } from '../../model/time-range';
import { GroupBySelector } from './GroupBySelector';
import { HotspotsTable } from './HotspotsTable';
import { NoDeadLetters } from './NoDeadLetters';

interface HotspotsSectionProps {
  range: TimeRange;
  refreshMs: number | null;
  groupBy: readonly HotspotDimension[];
  onGroupByChange: (dimensions: HotspotDimension[]) => void;
  filter: DeadLetterFilter;
  onSelect: (filter: DeadLetterFilter) => void;
}

export function HotspotsSection({ range, refreshMs, groupBy, onGroupByChange, filter, onSelect }: HotspotsSectionProps) {
  const bucket = bucketForRange(range.kind === 'preset' ? presetMs(range.preset) : range.to - range.from);
  const hotspots = useApi(
    (signal) => getDeadLetterHotspots({ ...resolveTimeRange(range, Date.now()), groupBy, bucket }, signal),
    ['hotspots', range, groupBy, bucket],
    { refreshMs },
  );
  const rows = useMemo(() => (hotspots.data ? hotspotTableRows(hotspots.data) : []), [hotspots.data]);
  // The answer's own grouping labels the columns, so they match the rows even mid-change.
  const columns = (hotspots.data?.groupBy ?? groupBy).map((dimension) => ({ dimension, label: DIMENSION_LABELS[dimension] }));
  const bucketLabel = hotspots.data ? formatLagSeconds(hotspots.data.bucketMs / 1000) : bucket;

  return (
    <section className="panel-section dl-hotspots" aria-labelledby="dl-hotspots-title" data-testid="hotspots-section">
      <h2 id="dl-hotspots-title">Hotspots</h2>
      <GroupBySelector value={groupBy} onChange={onGroupByChange} />
      {hotspots.error && !hotspots.data && <ErrorMessage error={hotspots.error} what="dead-letter hotspots" onRetry={hotspots.reload} />}
      {hotspots.error && hotspots.data && (
        <p className="error-text small" role="status">
          Refresh failed: {hotspots.error.message}
        </p>
      )}
      {!hotspots.data && !hotspots.error && <Loading what="dead-letter hotspots" />}
      {hotspots.data &&
        (rows.length === 0 ? (
          <NoDeadLetters />
        ) : (
          <>
            <p className="muted small">
              {rows.length === 1 ? '1 hotspot' : `${rows.length} hotspots`}, most dead letters first; <span aria-hidden="true">▲</span> marks ones that are new or rising in the later half of the range.
            </p>
            <HotspotsTable rows={rows} columns={columns} filter={filter} bucketLabel={bucketLabel} onSelect={onSelect} />
          </>
        ))}
    </section>
  );
}

