/** The topology map laid out left to right: producers, then destinations, then consumers. */
import { Background, Controls, MarkerType, ReactFlow } from '@xyflow/react';
import { useMemo } from 'react';
import { FitViewOnLayout } from '../../components/FitViewOnLayout';
import { ErrorMessage, Loading } from '../../components/States';
import { useLayout } from '../../hooks/useLayout';
import type { EdgeLag } from '../../model/lag-topology';
import type { TopologyGraph as TopologyGraphModel } from '../../model/topology-graph';
import { edgeLabelContent, edgeLabelSize } from '../../model/topology-edge-label';
import { TOPOLOGY_NODE_SIZE, topologyEdgeTypes, topologyNodeTypes, type MetricsEdgeType, type TopologyNodeType } from './topology-elements';

interface TopologyGraphProps {
  graph: TopologyGraphModel;
  /** Current lag per consumer edge id. */
  edgeLag: ReadonlyMap<string, EdgeLag>;
  selectedEdgeId: string | null;
  onSelectEdge: (id: string) => void;
}

/** The layout leaves room for the metric labels itself; wrapping keeps a long pipeline readable. */
const TOPOLOGY_LAYOUT = { betweenLayers: 40, withinLayer: 40, wrapToAspectRatio: 2.4 };

export function TopologyGraph({ graph, edgeLag, selectedEdgeId, onSelectEdge }: TopologyGraphProps) {
  const layoutNodes = useMemo(() => graph.nodes.map((node) => ({ id: node.id, ...TOPOLOGY_NODE_SIZE })), [graph]);
  const labelled = useMemo(
    () =>
      graph.edges.map((edge) => {
        const label = edgeLabelContent(edge, edgeLag.get(edge.id));
        return { edge, label, labelSize: edgeLabelSize(label) };
      }),
    [graph, edgeLag],
  );
  // Each label's size goes into the layout, which places the labels where they overlap nothing
  // and routes the edges around the nodes (a wrapped pipeline's edges run back between the rows).
  const layoutEdges = useMemo(
    () => labelled.map(({ edge, labelSize }) => ({ id: edge.id, source: edge.source, target: edge.target, label: labelSize })),
    [labelled],
  );
  const { positions, routes, error } = useLayout(layoutNodes, layoutEdges, TOPOLOGY_LAYOUT);

  const nodes = useMemo((): TopologyNodeType[] => {
    if (!positions) return [];
    return graph.nodes.flatMap((node) => {
      const position = positions.get(node.id);
      return position ? [{ id: node.id, type: node.kind, position, ...TOPOLOGY_NODE_SIZE, data: { node } }] : [];
    });
  }, [graph, positions]);

  const edges = useMemo(
    (): MetricsEdgeType[] =>
      labelled.map(({ edge, label, labelSize }) => ({
        id: edge.id,
        source: edge.source,
        target: edge.target,
        type: 'metrics',
        markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 },
        data: {
          edge,
          lag: edgeLag.get(edge.id),
          label,
          labelSize,
          route: routes?.get(edge.id),
          selected: edge.id === selectedEdgeId,
          onSelect: onSelectEdge,
        },
      })),
    [labelled, edgeLag, routes, selectedEdgeId, onSelectEdge],
  );

  if (error) return <ErrorMessage error={error} what="the graph layout" />;
  return (
    <div className="graph-canvas" data-testid="topology-graph" role="group" aria-label="Topology: services publish to destinations, consumers read from them">
      {!positions && <Loading what="layout" />}
      <ReactFlow<TopologyNodeType, MetricsEdgeType>
        nodes={nodes}
        edges={edges}
        nodeTypes={topologyNodeTypes}
        edgeTypes={topologyEdgeTypes}
        nodesDraggable={false}
        nodesConnectable={false}
        nodesFocusable={false}
        edgesFocusable={false}
        elementsSelectable={false}
        minZoom={0.1}
        maxZoom={2}
        proOptions={{ hideAttribution: true }}
      >
        <FitViewOnLayout positions={positions} />
        <Background gap={24} size={1} />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
