/** Loads one event's lineage (causes and effects), folds it to the node budget and draws it. */
import { useCallback, useMemo, useState } from 'react';
import { getLineage } from '../../api/queries';
import { Empty, ErrorMessage, Loading } from '../../components/States';
import { useApi } from '../../hooks/useApi';
import { useLayoutEngineWarmUp } from '../../hooks/elk-engine';
import { collapseLineage, DEFAULT_NODE_BUDGET } from '../../model/collapse';
import { buildLineageGraph } from '../../model/lineage-graph';
import { LineageGraph } from './LineageGraph';

export const DEPTH_OPTIONS = [1, 2, 3, 5, 10, 20, 50] as const;

interface LineageViewProps {
  eventId: string;
  depth: number;
  onDepthChange: (depth: number) => void;
  refreshMs: number | null;
  selectedId: string | null;
  onSelect: (id: string) => void;
  budget?: number;
}

export function LineageView({ eventId, depth, onDepthChange, refreshMs, selectedId, onSelect, budget = DEFAULT_NODE_BUDGET }: LineageViewProps) {
  const lineage = useApi((signal) => getLineage(eventId, { direction: 'both', depth }, signal), [eventId, depth], { refreshMs });
  useLayoutEngineWarmUp();
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const graph = useMemo(() => (lineage.data ? buildLineageGraph(lineage.data) : undefined), [lineage.data]);
  const view = useMemo(() => (graph ? collapseLineage(graph, { budget, expanded }) : undefined), [graph, budget, expanded]);
  const expand = useCallback((anchorId: string) => setExpanded((current) => new Set([...current, anchorId])), []);

  return (
    <section className="lineage-view" aria-label="Lineage">
      <div className="graph-toolbar">
        <h2 className="graph-title">
          Lineage of <code className="id">{eventId}</code>
        </h2>
        <label className="inline-field">
          Depth
          <select value={depth} onChange={(e) => onDepthChange(Number(e.target.value))}>
            {DEPTH_OPTIONS.map((option) => (
              <option key={option} value={option}>
                {option} hop{option === 1 ? '' : 's'}
              </option>
            ))}
          </select>
        </label>
        {graph && (
          <span className="graph-stats" aria-live="polite">
            {graph.nodes.size} event{graph.nodes.size === 1 ? '' : 's'}
            {view && view.hiddenCount > 0 && ` · ${view.hiddenCount} folded`}
            {graph.truncated && ' · stopped at the collector’s limit'}
          </span>
        )}
        {expanded.size > 0 && (
          <button type="button" className="button" onClick={() => setExpanded(new Set())}>
            Fold again
          </button>
        )}
      </div>
      <Legend />
      {lineage.error && <ErrorMessage error={lineage.error} what="event" onRetry={lineage.reload} />}
      {!lineage.data && !lineage.error && <Loading what="lineage" />}
      {view && view.events.length === 0 && <Empty>This lineage has no events.</Empty>}
      {view && view.events.length > 0 && <LineageGraph view={view} rootId={eventId} selectedId={selectedId} onSelect={onSelect} onExpand={expand} />}
    </section>
  );
}

function Legend() {
  return (
    <p className="legend">
      Causes on the left, effects on the right; edge labels are hop latency (publish → publish). Select an event for details.
    </p>
  );
}
