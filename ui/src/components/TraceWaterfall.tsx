/**
 * A trace's spans as a timeline: one row per span (name, service, duration), indented by depth,
 * the bar placed on the trace's time axis. Selecting a row shows its attributes below.
 */
import { useMemo, useState } from 'react';
import type { TraceSpan } from '../api/schemas';
import { formatDuration } from '../model/format';
import { buildWaterfall } from '../model/waterfall';
import { AttributeTable } from './AttributeTable';

export function TraceWaterfall({ spans, highlightSpanId }: { spans: readonly TraceSpan[]; highlightSpanId?: string | null }) {
  const { rows, totalMs } = useMemo(() => buildWaterfall(spans), [spans]);
  const [selected, setSelected] = useState<string | null>(highlightSpanId ?? null);
  const selectedSpan = rows.find((row) => row.span.spanId === selected)?.span;

  return (
    <div className="waterfall" data-testid="trace-waterfall">
      <div className="waterfall-axis" aria-hidden="true">
        <span>0</span>
        <span>{formatDuration(totalMs / 2)}</span>
        <span>{formatDuration(totalMs)}</span>
      </div>
      <ol className="waterfall-rows">
        {rows.map((row) => {
          const { span } = row;
          const isSelected = span.spanId === selected;
          return (
            <li key={span.spanId}>
              <button
                type="button"
                className={`waterfall-row${isSelected ? ' selected' : ''}${span.spanId === highlightSpanId ? ' highlighted' : ''}${row.isError ? ' error' : ''}`}
                aria-pressed={isSelected}
                onClick={() => setSelected(isSelected ? null : span.spanId)}
                title={`${span.name} (${span.kind}) · ${span.service} · starts at +${formatDuration(row.offsetMs)} · ${formatDuration(span.durationMs)}`}
              >
                <span className="waterfall-label" style={{ paddingLeft: `${row.depth * 12}px` }}>
                  <span className="waterfall-service">{span.service}</span> {span.name}
                  {row.isError && <span className="waterfall-error"> ✕ error</span>}
                </span>
                <span className="waterfall-track">
                  <span className={`waterfall-bar kind-${span.kind}`} style={{ left: `${row.leftPct}%`, width: `${row.widthPct}%` }} />
                </span>
                <span className="waterfall-duration">{formatDuration(span.durationMs)}</span>
              </button>
            </li>
          );
        })}
      </ol>
      {selectedSpan && (
        <div className="waterfall-detail">
          <h4>
            {selectedSpan.name} <span className="muted">({selectedSpan.kind}, {selectedSpan.service})</span>
          </h4>
          {selectedSpan.status.code === 'error' && <p className="error-text">✕ {selectedSpan.status.message ?? 'error'}</p>}
          <AttributeTable attributes={selectedSpan.attributes} />
        </div>
      )}
    </div>
  );
}
