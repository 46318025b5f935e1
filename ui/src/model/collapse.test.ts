import { describe, expect, it } from 'vitest';
import type { Lineage } from '../api/schemas';
import { collapseLineage, moreNodeId } from './collapse';
import { buildLineageGraph } from './lineage-graph';

/** One cause, the root, `fanout` effects each with `fanout` effects of their own. */
function fanOutLineage(fanout: number): Lineage {
  const at = (ms: number) => new Date(Date.UTC(2025, 0, 15, 10) + ms).toISOString();
  const nodes: Lineage['nodes'] = [
    { id: 'cause', type: 'OrderPlaced', service: 'orders', destination: 'orders', publishedAt: at(0), status: 'ok', distance: -1 },
    { id: 'root', type: 'PaymentAuthorized', service: 'payments', destination: 'payments', publishedAt: at(10), status: 'ok', distance: 0 },
  ];
  const edges: Lineage['edges'] = [{ from: 'cause', to: 'root', via: 'attribute' }];
  for (let i = 0; i < fanout; i++) {
    nodes.push({ id: `c${i}`, type: 'Shipped', service: 'shipping', destination: 'shipping', publishedAt: at(20 + i), status: 'ok', distance: 1 });
    edges.push({ from: 'root', to: `c${i}`, via: 'span-tree' });
    for (let j = 0; j < fanout; j++) {
      nodes.push({ id: `c${i}-${j}`, type: 'Notified', service: 'notifications', destination: 'mail', publishedAt: at(100 + i * fanout + j), status: 'ok', distance: 2 });
      edges.push({ from: `c${i}`, to: `c${i}-${j}`, via: 'span-tree' });
    }
  }
  return { root: 'root', direction: 'both', depth: 10, truncated: false, nodes, edges };
}

describe('collapseLineage', () => {
  it('draws everything when the graph fits the budget', () => {
    const graph = buildLineageGraph(fanOutLineage(3));
    const view = collapseLineage(graph, { budget: 150 });
    expect(view.events).toHaveLength(graph.nodes.size);
    expect(view.more).toEqual([]);
    expect(view.edges).toHaveLength(graph.edges.length);
    expect(view.hiddenCount).toBe(0);
  });

  it('keeps the budget, nearest events first, and counts every hidden event exactly once', () => {
    const graph = buildLineageGraph(fanOutLineage(4)); // 1 + 1 + 4 + 16 = 22 events
    const view = collapseLineage(graph, { budget: 8 });
    expect(view.events).toHaveLength(8);
    const drawn = new Set(view.events.map((e) => e.id));
    expect(['root', 'cause', 'c0', 'c1', 'c2', 'c3'].every((id) => drawn.has(id))).toBe(true);
    const hiddenInFolds = view.more.reduce((sum, fold) => sum + fold.hiddenCount, 0);
    expect(hiddenInFolds).toBe(graph.nodes.size - 8);
    expect(view.hiddenCount).toBe(graph.nodes.size - 8);
    // Every fold hangs off a drawn event, on the effects side here.
    for (const fold of view.more) {
      expect(drawn.has(fold.anchorId)).toBe(true);
      expect(view.edges).toContainEqual(expect.objectContaining({ source: fold.anchorId, target: fold.id, toMore: true }));
    }
    // No edge points at an event that is not drawn.
    const ends = new Set([...drawn, ...view.more.map((m) => m.id)]);
    expect(view.edges.every((e) => ends.has(e.source) && ends.has(e.target))).toBe(true);
  });

  it('expanding a fold draws all of its anchor’s direct effects beyond the budget', () => {
    const graph = buildLineageGraph(fanOutLineage(4));
    const before = collapseLineage(graph, { budget: 8 });
    const fold = before.more.find((m) => m.anchorId === 'c3');
    expect(fold?.hiddenCount).toBe(4);
    const after = collapseLineage(graph, { budget: 8, expanded: new Set(['c3']) });
    const drawn = new Set(after.events.map((e) => e.id));
    expect(['c3-0', 'c3-1', 'c3-2', 'c3-3'].every((id) => drawn.has(id))).toBe(true);
    expect(after.more.some((m) => m.id === moreNodeId('c3', 'effects'))).toBe(false);
    expect(after.events.length).toBeGreaterThan(8);
  });

  it('folds causes behind the root with the edge pointing into the anchor', () => {
    const graph = buildLineageGraph(fanOutLineage(2));
    const view = collapseLineage(graph, { budget: 1 });
    expect(view.events.map((e) => e.id)).toEqual(['root']);
    const causes = view.more.find((m) => m.side === 'causes');
    expect(causes).toMatchObject({ anchorId: 'root', hiddenCount: 1 });
    expect(view.edges).toContainEqual(expect.objectContaining({ source: causes?.id, target: 'root' }));
    expect(view.more.find((m) => m.side === 'effects')?.hiddenCount).toBe(6);
  });
});
