/**
 * Keeps a large lineage readable: at most `budget` events are drawn, nearest to the root first;
 * the rest of each branch folds into one "+N more" node attached to the last drawn event of that
 * branch. Expanding a "+N more" node (adding its anchor to `expanded`) draws all of the anchor's
 * direct neighbours on that side, whatever the budget; their own branches fold again.
 *
 * Branches follow a spanning tree from the root: effects are reached along edges forwards, causes
 * backwards, so a fold never mixes causes and effects. Events the tree does not reach (shapes the
 * API should not produce) hang off the root, so nothing is silently lost.
 */
import type { LineageGraph, LineageGraphEdge, LineageGraphNode } from './lineage-graph';

export const DEFAULT_NODE_BUDGET = 150;

export interface MoreNode {
  id: string;
  /** The drawn event the hidden branch hangs off. */
  anchorId: string;
  /** `effects`: the hidden events follow the anchor; `causes`: they precede it. */
  side: 'effects' | 'causes';
  hiddenCount: number;
}

export interface CollapsedEdge {
  id: string;
  source: string;
  target: string;
  hopLatencyMs: number | null;
  /** A line to a "+N more" node, drawn without a latency label. */
  toMore: boolean;
}

export interface CollapsedLineage {
  events: LineageGraphNode[];
  more: MoreNode[];
  edges: CollapsedEdge[];
  hiddenCount: number;
}

export const moreNodeId = (anchorId: string, side: MoreNode['side']) => `more:${side}:${anchorId}`;

interface Branch {
  id: string;
  side: MoreNode['side'];
}

function byPublishTime(graph: LineageGraph) {
  return (a: string, b: string) => {
    const ta = graph.nodes.get(a)?.publishedAt ?? '';
    const tb = graph.nodes.get(b)?.publishedAt ?? '';
    return ta === tb ? a.localeCompare(b) : ta.localeCompare(tb);
  };
}

/** Children of each node in a spanning tree rooted at the lineage root. */
function spanningTree(graph: LineageGraph): Map<string, Branch[]> {
  const effects = new Map<string, string[]>();
  const causes = new Map<string, string[]>();
  for (const edge of graph.edges) {
    effects.set(edge.source, [...(effects.get(edge.source) ?? []), edge.target]);
    causes.set(edge.target, [...(causes.get(edge.target) ?? []), edge.source]);
  }
  const order = byPublishTime(graph);
  const children = new Map<string, Branch[]>();
  const reached = new Set<string>([graph.rootId]);
  const queue: Branch[] = [{ id: graph.rootId, side: 'effects' }];
  const visit = (parent: string, ids: string[] | undefined, side: MoreNode['side']) => {
    for (const id of [...(ids ?? [])].sort(order)) {
      if (reached.has(id)) continue;
      reached.add(id);
      children.set(parent, [...(children.get(parent) ?? []), { id, side }]);
      queue.push({ id, side });
    }
  };
  for (let head = 0; head < queue.length; head++) {
    const { id, side } = queue[head]!;
    const isRoot = id === graph.rootId;
    if (isRoot || side === 'effects') visit(id, effects.get(id), 'effects');
    if (isRoot || side === 'causes') visit(id, causes.get(id), 'causes');
  }
  const unreached = [...graph.nodes.values()].filter((node) => !reached.has(node.id));
  for (const node of unreached) {
    children.set(graph.rootId, [...(children.get(graph.rootId) ?? []), { id: node.id, side: node.distance < 0 ? 'causes' : 'effects' }]);
  }
  return children;
}

function subtreeSize(children: Map<string, Branch[]>, id: string): number {
  let size = 0;
  const stack = [id];
  while (stack.length > 0) {
    const next = stack.pop()!;
    size += 1;
    for (const child of children.get(next) ?? []) stack.push(child.id);
  }
  return size;
}

export function collapseLineage(graph: LineageGraph, options: { budget?: number; expanded?: ReadonlySet<string> } = {}): CollapsedLineage {
  const budget = Math.max(1, options.budget ?? DEFAULT_NODE_BUDGET);
  const expanded = options.expanded ?? new Set<string>();
  const children = spanningTree(graph);
  const visible = new Set<string>();
  const more: MoreNode[] = [];
  if (graph.nodes.has(graph.rootId)) visible.add(graph.rootId);

  // Breadth first, so the budget goes to the events nearest the root.
  const queue = [...visible];
  for (let head = 0; head < queue.length; head++) {
    const anchorId = queue[head]!;
    const hidden: Record<MoreNode['side'], number> = { effects: 0, causes: 0 };
    for (const child of children.get(anchorId) ?? []) {
      if (expanded.has(anchorId) || visible.size < budget) {
        visible.add(child.id);
        queue.push(child.id);
      } else {
        hidden[child.side] += subtreeSize(children, child.id);
      }
    }
    for (const side of ['causes', 'effects'] as const) {
      if (hidden[side] > 0) more.push({ id: moreNodeId(anchorId, side), anchorId, side, hiddenCount: hidden[side] });
    }
  }

  const edges: CollapsedEdge[] = graph.edges
    .filter((edge: LineageGraphEdge) => visible.has(edge.source) && visible.has(edge.target))
    .map((edge) => ({ id: edge.id, source: edge.source, target: edge.target, hopLatencyMs: edge.hopLatencyMs, toMore: false }));
  for (const fold of more) {
    const [source, target] = fold.side === 'effects' ? [fold.anchorId, fold.id] : [fold.id, fold.anchorId];
    edges.push({ id: `${source}->${target}`, source, target, hopLatencyMs: null, toMore: true });
  }
  const events = [...visible].map((id) => graph.nodes.get(id)).filter((node): node is LineageGraphNode => node !== undefined);
  return { events, more, edges, hiddenCount: graph.nodes.size - events.length };
}
