import { describe, expect, it } from 'vitest';
import type { Lineage } from '../api/schemas';
import { buildLineageGraph, hopLatencyMs, isDeadLettered } from './lineage-graph';

const node = (id: string, distance: number, publishedAt: string | null): Lineage['nodes'][number] => ({
  id,
  type: `${id}-type`,
  service: `${id}-service`,
  destination: `${id}-topic`,
  publishedAt,
  status: 'ok',
  distance,
});

describe('hopLatencyMs', () => {
  it('is the child publish time minus the parent publish time', () => {
    expect(hopLatencyMs('2025-01-15T10:00:00.000Z', '2025-01-15T10:00:00.045Z')).toBe(45);
  });
  it('is null when a publish time is unknown', () => {
    expect(hopLatencyMs(null, '2025-01-15T10:00:00.045Z')).toBeNull();
    expect(hopLatencyMs('2025-01-15T10:00:00.000Z', null)).toBeNull();
  });
});

describe('buildLineageGraph', () => {
  const lineage: Lineage = {
    root: 'payment',
    direction: 'both',
    depth: 10,
    truncated: false,
    nodes: [
      node('order', -1, '2025-01-15T10:00:00.000Z'),
      node('payment', 0, '2025-01-15T10:00:00.040Z'),
      node('shipment', 1, null),
    ],
    edges: [
      { from: 'order', to: 'payment', via: 'attribute' },
      { from: 'order', to: 'payment', via: 'span-tree' },
      { from: 'payment', to: 'shipment', via: 'span-tree' },
      { from: 'payment', to: 'beyond-budget', via: 'link' },
    ],
  };

  it('marks the root and keeps every node', () => {
    const graph = buildLineageGraph(lineage);
    expect(graph.rootId).toBe('payment');
    expect([...graph.nodes.values()].filter((n) => n.isRoot).map((n) => n.id)).toEqual(['payment']);
    expect(graph.nodes.size).toBe(3);
  });

  it('labels edges with hop latency, dropping duplicates and edges to missing nodes', () => {
    const graph = buildLineageGraph(lineage);
    expect(graph.edges.map((e) => [e.source, e.target, e.via, e.hopLatencyMs])).toEqual([
      ['order', 'payment', 'attribute', 40],
      ['payment', 'shipment', 'span-tree', null],
    ]);
  });

  it('marks dead-lettered events and keeps their dead-letter record when the API gives it', () => {
    const graph = buildLineageGraph({
      ...lineage,
      nodes: [
        { ...node('order', -1, null), status: 'dead-lettered', deadLetterId: 'order|billing' },
        { ...node('payment', 0, null), status: 'dead-lettered' },
        { ...node('shipment', 1, null), deadLetterId: null },
      ],
    });
    const marks = [...graph.nodes.values()].map((n) => [n.id, n.deadLetterId, isDeadLettered(n)]);
    expect(marks).toEqual([
      ['order', 'order|billing', true],
      ['payment', null, true],
      ['shipment', null, false],
    ]);
    // A dead letter the collector holds marks the event even when its status says otherwise.
    expect(isDeadLettered({ status: 'ok', deadLetterId: 'x|g' })).toBe(true);
  });
});
