/**
 * React Flow renderers of the topology map: services as boxes, destinations (topics, queues) as
 * pills, and edges whose label is a button carrying throughput, error rate and p99, plus the
 * current lag (and its status when not OK) on consumer edges. Edges follow the layout's routes,
 * and each label sits where the layout left room for it, at the size it was given.
 */
import { BaseEdge, EdgeLabelRenderer, Handle, Position, getBezierPath, type Edge, type EdgeProps, type Node, type NodeProps } from '@xyflow/react';
import type { TopologyNode } from '../../api/schemas';
import { LagStatusBadge } from '../../components/LagStatusBadge';
import { roundedPolylinePath } from '../../model/edge-path';
import type { EdgeLag } from '../../model/lag-topology';
import type { EdgeRoute } from '../../model/layout';
import type { EdgeLabelContent } from '../../model/topology-edge-label';
import type { TopologyGraphEdge } from '../../model/topology-graph';

export const TOPOLOGY_NODE_SIZE = { width: 176, height: 48 };

export type TopologyNodeType = Node<{ node: TopologyNode }, 'service' | 'destination'>;
export type MetricsEdgeType = Edge<
  {
    edge: TopologyGraphEdge;
    lag?: EdgeLag;
    label: EdgeLabelContent;
    /** The size the layout made room for (`edgeLabelSize`); the label is drawn at it. */
    labelSize: { width: number; height: number };
    /** Undefined for an edge the current layout has not placed yet (drawn as a curve meanwhile). */
    route?: EdgeRoute;
    selected: boolean;
    onSelect: (id: string) => void;
  },
  'metrics'
>;

function TopologyNodeView({ data }: NodeProps<TopologyNodeType>) {
  const { node } = data;
  return (
    <>
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <div className={`topology-node kind-${node.kind}`} data-testid="topology-node" data-kind={node.kind} title={`${node.kind}: ${node.name}`}>
        <span className="topology-kind">{node.kind === 'service' ? 'service' : 'topic / queue'}</span>
        <span className="topology-name">{node.name}</span>
      </div>
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </>
  );
}

export function MetricsEdge({ id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, markerEnd, data }: EdgeProps<MetricsEdgeType>) {
  const routed = data?.route && data.route.points.length >= 2 ? data.route : undefined;
  // Every topology edge is laid out with its label; one the current layout has not routed yet
  // (new since the last layout) is drawn as a curve, its label at the middle, until the next.
  const [path, labelX, labelY] = routed?.label
    ? [roundedPolylinePath(routed.points), routed.label.x, routed.label.y]
    : getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  if (!data) return <BaseEdge id={id} path={path} markerEnd={markerEnd} />;
  const { edge, lag, label, labelSize, selected, onSelect } = data;
  const { width, height } = labelSize;
  const what = edge.role === 'produce' ? 'published' : `consumed${edge.edge.group ? ` by group ${edge.edge.group}` : ''}`;
  const lagging = lag !== undefined && lag.status !== 'OK';
  const lagWords = lag ? `, consumer ${lag.label}, status ${lag.status}${lagging ? `: ${lag.reason}` : ''}` : '';
  const [throughput, errors, p99] = label.metrics;
  return (
    <>
      <BaseEdge id={id} path={path} markerEnd={markerEnd} className={`${label.failing ? 'edge-failing' : ''}${selected ? ' edge-selected' : ''}`} />
      <EdgeLabelRenderer>
        <button
          type="button"
          className={`edge-label metrics${label.failing || lagging ? ' failing' : ''}${selected ? ' selected' : ''}`}
          data-testid="topology-edge"
          data-edge-role={edge.role}
          aria-pressed={selected}
          aria-label={`Events ${what}: ${edge.label.throughput}, ${edge.label.errorRate} errors, p99 ${edge.label.p99}${lagWords}. Show events.`}
          style={{ width, height, transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
          onClick={() => onSelect(edge.id)}
        >
          <span>{throughput}</span>
          <span className={label.failing ? 'error-text' : undefined}>{errors}</span>
          <span>{p99}</span>
          {lag && label.lag && (
            <span className="edge-lag" data-testid="topology-edge-lag" data-status={lag.status}>
              {lagging && <LagStatusBadge status={lag.status} reason={lag.reason} testId="topology-edge-lag-status" />}
              {label.lag.lines.map((line) => (
                <span key={line}>{line}</span>
              ))}
            </span>
          )}
        </button>
      </EdgeLabelRenderer>
    </>
  );
}

export const topologyNodeTypes = { service: TopologyNodeView, destination: TopologyNodeView };
export const topologyEdgeTypes = { metrics: MetricsEdge };
