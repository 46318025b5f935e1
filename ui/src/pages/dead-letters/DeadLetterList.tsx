/**
 * The dead letters matching the page's filter, newest first: event type, where it came from,
 * why, the error, attempts, and whether it dead-lettered again after a redrive (a loop the
 * collector flags instead of redriving again). A row opens the message view.
 */
import { useId, type KeyboardEvent } from 'react';
import { searchDeadLetters } from '../../api/queries';
import { deadLetterReasonSchema, type DeadLetterFilter, type DeadLetterReason, type DeadLetterView } from '../../api/schemas';
import { ErrorMessage, Loading } from '../../components/States';
import { useApi } from '../../hooks/useApi';
import { describeFilter, isEmptyFilter } from '../../model/dead-letter-filter';
import { REASON_LABELS } from '../../model/dead-letter-format';
import { formatTimestamp } from '../../model/format';
import { resolveTimeRange, type TimeRange } from '../../model/time-range';
import { NoDeadLetters } from './NoDeadLetters';

/** Newest first, at most this many: the hotspots above count them all. */
export const LIST_LIMIT = 200;

interface DeadLetterListProps {
  range: TimeRange;
  refreshMs: number | null;
  filter: DeadLetterFilter;
  onFilterChange: (filter: DeadLetterFilter) => void;
  selectedId: string | null;
  onOpen: (id: string) => void;
  onBulkRedrive: (matching: number) => void;
  /** Changes after a redrive, to load the list afresh. */
  generation: number;
}

export function RedriveFlag({ deadLetter }: { deadLetter: Pick<DeadLetterView, 'redriveCount' | 'deadLetteredAgainAfterRedrive'> }) {
  if (deadLetter.deadLetteredAgainAfterRedrive) {
    return (
      <span className="status dl-again" data-testid="redriven-again" title="It dead-lettered again after a redrive: redriving it again needs force">
        <span aria-hidden="true">⟲</span> failed again after redrive
      </span>
    );
  }
  if (deadLetter.redriveCount > 0) return <span className="muted small">redriven ×{deadLetter.redriveCount}</span>;
  return null;
}

export function DeadLetterList({ range, refreshMs, filter, onFilterChange, selectedId, onOpen, onBulkRedrive, generation }: DeadLetterListProps) {
  const id = useId();
  const list = useApi((signal) => searchDeadLetters({ ...resolveTimeRange(range, Date.now()), ...filter, limit: LIST_LIMIT }, signal), ['list', range, filter, generation], {
    refreshMs,
  });
  const described = describeFilter(filter);
  const onKeyDown = (event: KeyboardEvent, deadLetterId: string) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onOpen(deadLetterId);
    }
  };
  const setReason = (value: string) => {
    const reason = deadLetterReasonSchema.safeParse(value);
    onFilterChange({ ...filter, reason: reason.success ? reason.data : undefined });
  };

  return (
    <section className="panel-section dl-list" aria-labelledby="dl-list-title" data-testid="deadletters-list">
      <header className="dl-list-header">
        <h2 id="dl-list-title">Dead letters</h2>
        <div className="field-inline">
          <label htmlFor={`${id}-reason`}>Reason</label>
          <select id={`${id}-reason`} value={filter.reason ?? ''} onChange={(event) => setReason(event.target.value)}>
            <option value="">any</option>
            {deadLetterReasonSchema.options.map((reason: DeadLetterReason) => (
              <option key={reason} value={reason}>
                {REASON_LABELS[reason]}
              </option>
            ))}
          </select>
        </div>
        {described && (
          <span className="dl-filter" data-testid="deadletters-filter">
            Filtered by {described}
            <button type="button" className="button small-button" onClick={() => onFilterChange({})}>
              Clear filter
            </button>
          </span>
        )}
        <button
          type="button"
          className="button"
          data-testid="redrive-bulk-button"
          disabled={!list.data || list.data.length === 0}
          onClick={() => onBulkRedrive(list.data?.length ?? 0)}
          title="Dry-run first, then republish every dead letter matching this filter and range"
        >
          Redrive {isEmptyFilter(filter) ? 'all in range' : 'matching'}…
        </button>
      </header>
      {list.error && !list.data && <ErrorMessage error={list.error} what="dead letters" onRetry={list.reload} />}
      {list.error && list.data && (
        <p className="error-text small" role="status">
          Refresh failed: {list.error.message}
        </p>
      )}
      {!list.data && !list.error && <Loading what="dead letters" />}
      {list.data &&
        (list.data.length === 0 ? (
          <NoDeadLetters filtered={!isEmptyFilter(filter)} />
        ) : (
          <>
            <p className="muted small" role="status">
              {list.data.length >= LIST_LIMIT ? `The newest ${LIST_LIMIT}; narrow the range or pick a hotspot to see others.` : `${list.data.length} newest first.`}
            </p>
            <div className="table-scroll">
              <table className="data-table dl-table">
                <caption className="visually-hidden">Dead letters, newest first. Select a row to open the message.</caption>
                <thead>
                  <tr>
                    <th scope="col">Dead-lettered</th>
                    <th scope="col">Event type</th>
                    <th scope="col">Origin</th>
                    <th scope="col">Reason</th>
                    <th scope="col">Error</th>
                    <th scope="col" className="number">
                      Attempts
                    </th>
                    <th scope="col">Redrive</th>
                  </tr>
                </thead>
                <tbody>
                  {list.data.map((deadLetter) => {
                    const selected = deadLetter.id === selectedId;
                    return (
                      <tr
                        key={deadLetter.id}
                        className={`selectable-row${selected ? ' selected' : ''}`}
                        data-testid="deadletter-row"
                        data-id={deadLetter.id}
                        tabIndex={0}
                        aria-selected={selected}
                        onClick={() => onOpen(deadLetter.id)}
                        onKeyDown={(event) => onKeyDown(event, deadLetter.id)}
                      >
                        <td className="small dl-time">{formatTimestamp(deadLetter.deadLetteredAt)}</td>
                        <td>{deadLetter.eventType ?? <span className="muted">untyped</span>}</td>
                        <td className="small">
                          <div className="dl-key-value">{deadLetter.origin.destination}</div>
                          <div className="muted">
                            {deadLetter.origin.group}
                            {deadLetter.origin.service ? ` · ${deadLetter.origin.service}` : ''}
                          </div>
                        </td>
                        <td className="small">{REASON_LABELS[deadLetter.deadLetter.reason]}</td>
                        <td className="small dl-error">
                          {deadLetter.error.type && <strong>{deadLetter.error.type}</strong>}
                          {deadLetter.error.type && deadLetter.error.message && ': '}
                          {deadLetter.error.message ?? (deadLetter.error.type ? '' : <span className="muted">no error recorded</span>)}
                        </td>
                        <td className="number">{deadLetter.attempts}</td>
                        <td>
                          <RedriveFlag deadLetter={deadLetter} />
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          </>
        ))}
    </section>
  );
}
