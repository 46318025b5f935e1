/**
 * Consumer groups, worst first: status with its reason, destinations, members, lag in messages,
 * in time and time to drain. A row is selected by click, or Enter / Space when focused. A filter
 * and a row limit keep thousands of groups cheap to redraw on every refresh.
 */
import { useId, useState, type KeyboardEvent } from 'react';
import type { GroupStatusView } from '../../api/schemas';
import { LagStatusBadge } from '../../components/LagStatusBadge';
import { formatCount, formatDrain, formatLagSeconds } from '../../model/lag-format';
import { DEFAULT_GROUP_ROWS, visibleGroups } from '../../model/lag-groups';

const SHOWN_DESTINATIONS = 3;

interface LagGroupsTableProps {
  groups: readonly GroupStatusView[];
  selectedGroup: string | null;
  onSelect: (group: string) => void;
  rowLimit?: number;
}

export function LagGroupsTable({ groups, selectedGroup, onSelect, rowLimit = DEFAULT_GROUP_ROWS }: LagGroupsTableProps) {
  const id = useId();
  const [text, setText] = useState('');
  const [problemsOnly, setProblemsOnly] = useState(false);
  const { rows, matching } = visibleGroups(groups, { text, problemsOnly }, rowLimit);
  const onKeyDown = (event: KeyboardEvent, group: string) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onSelect(group);
    }
  };

  return (
    <div className="lag-groups">
      <div className="lag-groups-filter">
        <label htmlFor={`${id}-filter`}>Filter</label>
        <input id={`${id}-filter`} type="search" placeholder="group, topic or queue" value={text} onChange={(event) => setText(event.target.value)} />
        <label className="inline-field">
          <input type="checkbox" checked={problemsOnly} onChange={(event) => setProblemsOnly(event.target.checked)} />
          Only groups that are not OK
        </label>
        <span className="muted small" role="status">
          {matching > rows.length ? `Showing the ${rows.length} worst of ${formatCount(matching)} matching groups` : `${formatCount(matching)} of ${formatCount(groups.length)} groups`}
        </span>
      </div>
      <div className="table-scroll">
        <table className="data-table lag-groups-table">
          <caption className="visually-hidden">Consumer groups by severity, worst first. Select a row to chart its lag.</caption>
          <thead>
            <tr>
              <th scope="col">Status</th>
              <th scope="col">Group</th>
              <th scope="col">Topics / queues</th>
              <th scope="col" className="number">
                Members
              </th>
              <th scope="col" className="number">
                Lag (messages)
              </th>
              <th scope="col" className="number">
                Lag (time)
              </th>
              <th scope="col" className="number">
                Time to drain
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((status) => {
              const selected = status.group === selectedGroup;
              const more = status.destinations.length - SHOWN_DESTINATIONS;
              return (
                <tr
                  key={`${status.cluster}|${status.group}`}
                  className={`selectable-row${selected ? ' selected' : ''}`}
                  data-testid="lag-group-row"
                  data-group={status.group}
                  data-status={status.status}
                  tabIndex={0}
                  aria-selected={selected}
                  onClick={() => onSelect(status.group)}
                  onKeyDown={(event) => onKeyDown(event, status.group)}
                >
                  <td>
                    <LagStatusBadge status={status.status} reason={status.reason} />
                    <div className="lag-reason">{status.reason}</div>
                  </td>
                  <td>
                    <div className="lag-group-name">{status.group}</div>
                    <div className="muted small">
                      {status.system}
                      {status.cluster !== 'default' ? ` · ${status.cluster}` : ''}
                    </div>
                  </td>
                  <td className="small">
                    {status.destinations
                      .slice(0, SHOWN_DESTINATIONS)
                      .map((d) => d.destination)
                      .join(', ')}
                    {more > 0 && <span className="muted"> +{more} more</span>}
                  </td>
                  <td className="number">
                    {status.members}
                    {status.members === 0 && <div className={status.lag > 0 ? 'error-text small' : 'muted small'}>no members</div>}
                  </td>
                  <td className="number">{formatCount(status.lag)}</td>
                  <td className="number">{formatLagSeconds(status.lagSeconds)}</td>
                  <td className="number">{formatDrain(status.drainSeconds, status.lag)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}
