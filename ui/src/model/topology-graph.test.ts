import { describe, expect, it } from 'vitest';
import type { Topology } from '../api/schemas';
import { buildTopologyGraph, edgeEventSearch, formatThroughput } from './topology-graph';

const topology: Topology = {
  from: '2025-01-15T10:00:00.000Z',
  to: '2025-01-15T11:00:00.000Z',
  nodes: [
    { id: 'service:orders', kind: 'service', name: 'orders' },
    { id: 'destination:orders', kind: 'destination', name: 'orders' },
    { id: 'service:payments', kind: 'service', name: 'payments' },
  ],
  edges: [
    { from: 'service:orders', to: 'destination:orders', count: 7200, errors: 0, p50Ms: 2, p99Ms: 9.5 },
    { from: 'destination:orders', to: 'service:payments', group: 'payments', count: 120, errors: 6, p50Ms: 40, p99Ms: 1530 },
    { from: 'destination:orders', to: 'service:ghost', count: 1, errors: 0, p50Ms: 1, p99Ms: 1 },
  ],
};
const HOUR = 3_600_000;

describe('formatThroughput', () => {
  it('uses the largest unit with a rate of at least one', () => {
    expect(formatThroughput(7200, HOUR)).toBe('2/s');
    expect(formatThroughput(120, HOUR)).toBe('2/min');
    expect(formatThroughput(3, HOUR)).toBe('3/h');
    expect(formatThroughput(0, HOUR)).toBe('0/min');
    expect(formatThroughput(150_000, 60_000)).toBe('2500/s');
  });
});

describe('buildTopologyGraph', () => {
  const graph = buildTopologyGraph(topology, HOUR);

  it('labels edges with throughput over the range, error rate and p99', () => {
    expect(graph.edges.map((e) => e.label)).toEqual([
      { throughput: '2/s', errorRate: '0%', p99: '9.5 ms' },
      { throughput: '2/min', errorRate: '5.0%', p99: '1.53 s' },
    ]);
    expect(graph.edges[1]?.errorRate).toBeCloseTo(0.05);
  });

  it('tells producer from consumer edges and drops edges to unknown nodes', () => {
    expect(graph.edges.map((e) => [e.id, e.role])).toEqual([
      ['service:orders->destination:orders', 'produce'],
      ['destination:orders->service:payments#payments', 'consume'],
    ]);
  });

  it('searches a producer edge by service and destination, a consumer edge by destination', () => {
    const range = { from: topology.from, to: topology.to };
    const [produce, consume] = graph.edges;
    expect(edgeEventSearch(produce!, graph.nodes, range)).toEqual({ service: 'orders', destination: 'orders', ...range });
    expect(edgeEventSearch(consume!, graph.nodes, range)).toEqual({ destination: 'orders', ...range });
  });
});
