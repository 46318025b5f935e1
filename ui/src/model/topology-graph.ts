/**
 * The service → destination → consumer map: edge labels (throughput over the selected range,
 * error rate, p99) and which events an edge stands for. Producer edges run service → destination,
 * consumer edges destination → service (one per consumer group).
 */
import type { EventSearchParams } from '../api/queries';
import type { Topology, TopologyEdge, TopologyNode } from '../api/schemas';
import { formatDuration, formatPercent } from './format';

export type TopologyEdgeRole = 'produce' | 'consume';

export interface TopologyGraphEdge {
  id: string;
  source: string;
  target: string;
  role: TopologyEdgeRole;
  edge: TopologyEdge;
  errorRate: number;
  label: { throughput: string; errorRate: string; p99: string };
}

export interface TopologyGraph {
  nodes: TopologyNode[];
  edges: TopologyGraphEdge[];
}

/** Count per second, minute or hour, whichever reads as a number of at least 1. */
export function formatThroughput(count: number, rangeMs: number): string {
  if (count === 0 || rangeMs <= 0) return '0/min';
  const perSecond = count / (rangeMs / 1000);
  if (perSecond >= 1) return `${trim(perSecond)}/s`;
  const perMinute = perSecond * 60;
  if (perMinute >= 1) return `${trim(perMinute)}/min`;
  return `${trim(perMinute * 60)}/h`;
}

function trim(rate: number): string {
  return rate >= 100 ? Math.round(rate).toString() : rate.toFixed(1).replace(/\.0$/, '');
}

export function buildTopologyGraph(topology: Topology, rangeMs: number): TopologyGraph {
  const kinds = new Map(topology.nodes.map((node) => [node.id, node.kind]));
  const edges = topology.edges
    .filter((edge) => kinds.has(edge.from) && kinds.has(edge.to))
    .map((edge): TopologyGraphEdge => {
      const errorRate = edge.count > 0 ? edge.errors / edge.count : 0;
      return {
        id: `${edge.from}->${edge.to}${edge.group ? `#${edge.group}` : ''}`,
        source: edge.from,
        target: edge.to,
        role: kinds.get(edge.from) === 'service' ? 'produce' : 'consume',
        edge,
        errorRate,
        label: { throughput: formatThroughput(edge.count, rangeMs), errorRate: formatPercent(errorRate), p99: formatDuration(edge.p99Ms) },
      };
    });
  return { nodes: topology.nodes, edges };
}

/**
 * The event search that lists an edge's events. The API filters by producing service, not by
 * consumer, so a consumer edge lists every event published to its destination in the range.
 */
export function edgeEventSearch(edge: TopologyGraphEdge, nodes: readonly TopologyNode[], range: { from: string; to: string }): EventSearchParams {
  const name = (id: string) => nodes.find((node) => node.id === id)?.name;
  if (edge.role === 'produce') return { service: name(edge.source), destination: name(edge.target), ...range };
  return { destination: name(edge.source), ...range };
}
