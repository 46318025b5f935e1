/**
 * Draws a collapsed lineage with React Flow at positions computed by ELK. Nodes have fixed sizes
 * (no measuring pass) and only those in view are rendered, so a thousand-event lineage stays
 * responsive.
 */
import { Background, Controls, MarkerType, ReactFlow, type Edge } from '@xyflow/react';
import { useMemo } from 'react';
import { FitViewOnLayout } from '../../components/FitViewOnLayout';
import { ErrorMessage, Loading } from '../../components/States';
import { useLayout } from '../../hooks/useLayout';
import type { CollapsedLineage } from '../../model/collapse';
import {
  EVENT_NODE_SIZE,
  MORE_NODE_SIZE,
  lineageEdgeTypes,
  lineageNodeTypes,
  type EventNodeType,
  type LatencyEdgeType,
  type MoreNodeType,
} from './graph-nodes';

/** Above this many nodes the first view shows the root and its nearest neighbours, not all. */
const FIT_ALL_LIMIT = 40;

function neighbourhood(view: CollapsedLineage, rootId: string): string[] {
  const near = view.edges.filter((edge) => edge.source === rootId || edge.target === rootId).slice(0, 8);
  return [rootId, ...near.map((edge) => (edge.source === rootId ? edge.target : edge.source))];
}

interface LineageGraphProps {
  view: CollapsedLineage;
  rootId: string;
  selectedId: string | null;
  onSelect: (id: string) => void;
  onExpand: (anchorId: string) => void;
}

export function LineageGraph({ view, rootId, selectedId, onSelect, onExpand }: LineageGraphProps) {
  const layoutNodes = useMemo(
    () => [...view.events.map((e) => ({ id: e.id, ...EVENT_NODE_SIZE })), ...view.more.map((m) => ({ id: m.id, ...MORE_NODE_SIZE }))],
    [view],
  );
  const { positions, error } = useLayout(layoutNodes, view.edges);

  const nodes = useMemo(() => {
    if (!positions) return [];
    const drawn: (EventNodeType | MoreNodeType)[] = [];
    for (const event of view.events) {
      const position = positions.get(event.id);
      if (position) drawn.push({ id: event.id, type: 'event', position, ...EVENT_NODE_SIZE, data: { event, selected: event.id === selectedId } });
    }
    for (const more of view.more) {
      const position = positions.get(more.id);
      if (position) drawn.push({ id: more.id, type: 'more', position, ...MORE_NODE_SIZE, data: { more } });
    }
    return drawn;
  }, [positions, view, selectedId]);

  const edges = useMemo(
    (): LatencyEdgeType[] =>
      view.edges.map((edge) => ({
        id: edge.id,
        source: edge.source,
        target: edge.target,
        type: 'latency',
        markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 },
        data: { hopLatencyMs: edge.hopLatencyMs, toMore: edge.toMore },
      })),
    [view],
  );

  const focusIds = useMemo(() => (view.events.length + view.more.length > FIT_ALL_LIMIT ? neighbourhood(view, rootId) : undefined), [view, rootId]);

  if (error) return <ErrorMessage error={error} what="the graph layout" />;
  return (
    <div className="graph-canvas" data-testid="lineage-graph" aria-label="Causal graph, causes on the left, effects on the right" role="group">
      {!positions && <Loading what="layout" />}
      <ReactFlow<EventNodeType | MoreNodeType, Edge>
        nodes={nodes}
        edges={edges}
        nodeTypes={lineageNodeTypes}
        edgeTypes={lineageEdgeTypes}
        nodesDraggable={false}
        nodesConnectable={false}
        nodesFocusable={false}
        edgesFocusable={false}
        elementsSelectable={false}
        onNodeClick={(_, node) => (node.type === 'more' ? onExpand((node as MoreNodeType).data.more.anchorId) : onSelect(node.id))}
        onlyRenderVisibleElements={nodes.length > 200}
        minZoom={0.05}
        maxZoom={2}
        proOptions={{ hideAttribution: true }}
      >
        <FitViewOnLayout positions={positions} focusIds={focusIds} />
        <Background gap={24} size={1} />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
