import { describe, expect, it } from 'vitest';
import { buildTopologyGraph, edgeEventSearch, formatThroughput } from './topology-graph';
import { HOUR, sampleTopology } from './topology-fixtures';

const topology = sampleTopology;

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
