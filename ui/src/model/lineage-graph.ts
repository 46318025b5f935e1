/**
 * The causal graph of an event from the lineage API: nodes keyed by event id, edges from cause to
 * effect with the hop latency (effect published − cause published). Edges whose ends are not in
 * the answer (the walk stopped at its budget) and duplicate edges found by several correlation
 * rules are dropped, so the view never draws a dangling or doubled arrow.
 */
import type { DeliveryOutcome, Lineage, LineageEdge } from '../api/schemas';

/** The API's default walk depth (collector `DEFAULT_LINEAGE_DEPTH`). */
export const DEFAULT_LINEAGE_DEPTH = 10;

export interface LineageGraphNode {
  id: string;
  type: string | null;
  service: string | null;
  destination: string | null;
  publishedAt: string | null;
  status: DeliveryOutcome;
  /** Hops from the root: negative for causes, positive for effects. */
  distance: number;
  isRoot: boolean;
  /** Its dead-letter record, when the collector says which (`/dead-letters/<id>`). */
  deadLetterId: string | null;
}

/** Marked in the graph: the event dead-lettered, or the collector holds a dead letter for it. */
export const isDeadLettered = (node: Pick<LineageGraphNode, 'status' | 'deadLetterId'>) => node.status === 'dead-lettered' || node.deadLetterId !== null;

export interface LineageGraphEdge {
  id: string;
  source: string;
  target: string;
  via: LineageEdge['via'];
  /** Null when either event's publish time is unknown. */
  hopLatencyMs: number | null;
}

export interface LineageGraph {
  rootId: string;
  nodes: Map<string, LineageGraphNode>;
  edges: LineageGraphEdge[];
  /** The API stopped walking before reaching the requested depth. */
  truncated: boolean;
}

export function hopLatencyMs(parentPublishedAt: string | null, childPublishedAt: string | null): number | null {
  if (!parentPublishedAt || !childPublishedAt) return null;
  const latency = Date.parse(childPublishedAt) - Date.parse(parentPublishedAt);
  return Number.isFinite(latency) ? latency : null;
}

export function buildLineageGraph(lineage: Lineage): LineageGraph {
  const nodes = new Map<string, LineageGraphNode>();
  for (const node of lineage.nodes) {
    nodes.set(node.id, { ...node, deadLetterId: node.deadLetterId ?? null, isRoot: node.id === lineage.root });
  }
  const edges: LineageGraphEdge[] = [];
  const seen = new Set<string>();
  for (const edge of lineage.edges) {
    const source = nodes.get(edge.from);
    const target = nodes.get(edge.to);
    const id = `${edge.from}->${edge.to}`;
    if (!source || !target || edge.from === edge.to || seen.has(id)) continue;
    seen.add(id);
    edges.push({ id, source: edge.from, target: edge.to, via: edge.via, hopLatencyMs: hopLatencyMs(source.publishedAt, target.publishedAt) });
  }
  return { rootId: lineage.root, nodes, edges, truncated: lineage.truncated };
}
