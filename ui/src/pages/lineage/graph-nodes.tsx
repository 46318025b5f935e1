/**
 * React Flow node and edge renderers of the lineage graph. Each node is one button, so the graph
 * is navigable with Tab and Enter; handles are invisible anchor points for the edges.
 */
import { BaseEdge, EdgeLabelRenderer, Handle, Position, getBezierPath, type Edge, type EdgeProps, type Node, type NodeProps } from '@xyflow/react';
import { Link } from 'react-router';
import { isFailure, StatusBadge } from '../../components/StatusBadge';
import { formatDuration } from '../../model/format';
import type { MoreNode } from '../../model/collapse';
import { isDeadLettered, type LineageGraphNode } from '../../model/lineage-graph';

export const EVENT_NODE_SIZE = { width: 232, height: 86 };
export const MORE_NODE_SIZE = { width: 150, height: 44 };

export type EventNodeType = Node<{ event: LineageGraphNode; selected: boolean }, 'event'>;
export type MoreNodeType = Node<{ more: MoreNode }, 'more'>;
export type LatencyEdgeType = Edge<{ hopLatencyMs: number | null; toMore: boolean }, 'latency'>;

/*
 * Node buttons have no click handler of their own: React Flow only lets pointer events reach nodes
 * when it has a node handler, so clicks (and Enter/Space on the focused button, which bubble as
 * clicks) are handled once, by `onNodeClick` on the graph.
 */
export function EventNode({ data }: NodeProps<EventNodeType>) {
  const { event, selected } = data;
  const deadLettered = isDeadLettered(event);
  const classes = [
    'lineage-node',
    `status-${event.status}`,
    event.isRoot ? 'root' : '',
    selected ? 'selected' : '',
    isFailure(event.status) ? 'failed' : '',
    deadLettered ? 'dead-lettered' : '',
  ]
    .filter(Boolean)
    .join(' ');
  const what = `${event.type ?? 'untyped event'} from ${event.service ?? 'unknown service'} to ${event.destination ?? 'unknown destination'}`;
  return (
    <>
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <button
        type="button"
        className={classes}
        data-testid="lineage-node"
        data-event-type={event.type ?? ''}
        data-service={event.service ?? ''}
        data-event-id={event.id}
        data-dead-lettered={deadLettered ? 'true' : undefined}
        aria-pressed={selected}
        aria-label={`${event.isRoot ? 'Root event: ' : ''}${what}, status ${event.status}${deadLettered && event.status !== 'dead-lettered' ? ', dead-lettered' : ''}`}
      >
        <span className="node-title">
          {event.isRoot && <span className="root-tag">root</span>}
          {deadLettered && (
            <span className="dead-letter-tag" title="This event dead-lettered">
              <span aria-hidden="true">⊘</span> DLQ
            </span>
          )}
          <span className="node-type">{event.type ?? 'untyped event'}</span>
        </span>
        <span className="node-route">
          <span className="node-service">{event.service ?? 'unknown producer'}</span>
          <span aria-hidden="true"> → </span>
          <span className="node-destination">{event.destination ?? '?'}</span>
        </span>
        <StatusBadge status={event.status} />
      </button>
      {event.deadLetterId !== null && (
        // A sibling of the node's button (a link cannot sit inside a button), placed on its corner;
        // it stops the click so the graph does not also select the node.
        <Link
          className="node-dead-letter-link nodrag nopan"
          to={`/dead-letters/${encodeURIComponent(event.deadLetterId)}`}
          data-testid="lineage-node-dead-letter-link"
          aria-label={`Open the dead letter of ${what}`}
          onClick={(click) => click.stopPropagation()}
        >
          dead letter →
        </Link>
      )}
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </>
  );
}

export function MoreEventsNode({ data }: NodeProps<MoreNodeType>) {
  const { more } = data;
  const what = more.side === 'effects' ? 'later events' : 'earlier events';
  return (
    <>
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <button type="button" className="more-node" data-testid="lineage-more" title={`Show the ${what} hidden here`}>
        +{more.hiddenCount} more
        <span className="visually-hidden"> {what}; expand</span>
      </button>
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </>
  );
}

export function LatencyEdge({ id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, markerEnd, data }: EdgeProps<LatencyEdgeType>) {
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  const latency = data?.hopLatencyMs;
  return (
    <>
      <BaseEdge id={id} path={path} markerEnd={markerEnd} className={data?.toMore ? 'edge-to-more' : undefined} />
      {!data?.toMore && latency !== null && latency !== undefined && (
        <EdgeLabelRenderer>
          <div
            className={`edge-label latency${latency < 0 ? ' skewed' : ''}`}
            style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
            title={latency < 0 ? 'Published before its cause: the services’ clocks disagree' : 'Hop latency: published after its cause'}
          >
            {formatDuration(latency)}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
}

export const lineageNodeTypes = { event: EventNode, more: MoreEventsNode };
export const lineageEdgeTypes = { latency: LatencyEdge };
