/**
 * Hotspots, biggest first: one row per combination of the grouped values, with its count, a
 * sparkline of its dead letters over the range, the trend (rising rows are marked with an icon
 * and a word, not colour alone), first and last seen, and a sample error. Selecting a row (click,
 * or Enter / Space when focused) filters the list below to it; selecting it again clears that.
 */
import type { KeyboardEvent } from 'react';
import type { DeadLetterFilter } from '../../api/schemas';
import { formatTimestamp } from '../../model/format';
import { sameFilter } from '../../model/dead-letter-filter';
import type { HotspotCell, HotspotTableRow } from '../../model/dead-letter-hotspots';
import { formatCount } from '../../model/lag-format';
import { Sparkline } from './Sparkline';

interface HotspotsTableProps {
  rows: readonly HotspotTableRow[];
  columns: readonly Pick<HotspotCell, 'dimension' | 'label'>[];
  /** The list's current filter: the row it equals is shown selected. */
  filter: DeadLetterFilter;
  bucketLabel: string;
  onSelect: (filter: DeadLetterFilter) => void;
}

function CellValue({ cell }: { cell: HotspotCell }) {
  if (!cell.value) return <span className="muted">(none)</span>;
  return cell.dimension === 'fingerprint' ? <code>{cell.value}</code> : <span className="dl-key-value">{cell.value}</span>;
}

export function HotspotsTable({ rows, columns, filter, bucketLabel, onSelect }: HotspotsTableProps) {
  const onKeyDown = (event: KeyboardEvent, next: DeadLetterFilter) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onSelect(next);
    }
  };
  return (
    <div className="table-scroll">
      <table className="data-table hotspots-table">
        <caption className="visually-hidden">Dead-letter hotspots, most dead letters first. Select a row to list its dead letters.</caption>
        <thead>
          <tr>
            <th scope="col" className="number">
              #
            </th>
            {columns.map((column) => (
              <th key={column.dimension} scope="col">
                {column.label}
              </th>
            ))}
            <th scope="col" className="number">
              Count
            </th>
            <th scope="col">Trend (per {bucketLabel})</th>
            <th scope="col">First / last seen</th>
            <th scope="col">Sample error</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const selected = sameFilter(row.filter, filter);
            // Selecting the selected row again goes back to the unfiltered list.
            const next = selected ? {} : row.filter;
            return (
              <tr
                key={row.rowKey}
                className={`selectable-row${selected ? ' selected' : ''}${row.trend.rising ? ' rising' : ''}`}
                data-testid="hotspot-row"
                data-count={row.count}
                data-fingerprint={row.fingerprint ?? ''}
                data-trend={row.trend.direction}
                tabIndex={0}
                aria-selected={selected}
                onClick={() => onSelect(next)}
                onKeyDown={(event) => onKeyDown(event, next)}
              >
                <td className="number muted">{row.rank}</td>
                {row.cells.map((cell) => (
                  <td key={cell.dimension}>
                    <CellValue cell={cell} />
                  </td>
                ))}
                <td className="number dl-count">{formatCount(row.count)}</td>
                <td>
                  <div className="trend-cell">
                    <Sparkline values={row.series} rising={row.trend.rising} label={`Dead letters per ${bucketLabel} over the range: ${row.trend.description}`} />
                    <span className={`trend trend-${row.trend.direction}`} title={row.trend.description}>
                      <span aria-hidden="true">{row.trend.icon}</span> {row.trend.label}
                    </span>
                  </div>
                </td>
                <td className="small dl-time">
                  <div>{formatTimestamp(row.firstAt)}</div>
                  <div>{formatTimestamp(row.lastAt)}</div>
                </td>
                <td className="small dl-error">
                  {row.sample.errorType && <strong>{row.sample.errorType}</strong>}
                  {row.sample.errorType && row.sample.errorMessage && ': '}
                  {row.sample.errorMessage ?? (row.sample.errorType ? '' : <span className="muted">no error recorded</span>)}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
