/** The service / destination graph of a time range, from the store's aggregated rows. */
import type { Store } from '../store/store.js';
import type { Topology, TopologyEdge, TopologyNode } from '../schemas/topology.js';
import { iso, type TimeRange } from './time.js';

export const serviceNodeId = (name: string) => `service:${name}`;
export const destinationNodeId = (name: string) => `destination:${name}`;

export async function buildTopology(store: Store, range: TimeRange): Promise<Topology> {
  const { producers, consumers } = await store.topology(range);
  const nodes = new Map<string, TopologyNode>();
  const addNode = (kind: TopologyNode['kind'], name: string) => {
    const id = kind === 'service' ? serviceNodeId(name) : destinationNodeId(name);
    if (!nodes.has(id)) nodes.set(id, { id, kind, name });
    return id;
  };

  const edges: TopologyEdge[] = [];
  for (const row of producers) {
    edges.push({
      from: addNode('service', row.service),
      to: addNode('destination', row.destination),
      count: row.count,
      errors: row.errors,
      p50Ms: row.p50Ms,
      p99Ms: row.p99Ms,
    });
  }
  for (const row of consumers) {
    const edge: TopologyEdge = {
      from: addNode('destination', row.destination),
      to: addNode('service', row.service),
      count: row.count,
      errors: row.errors,
      p50Ms: row.p50Ms,
      p99Ms: row.p99Ms,
    };
    if (row.group !== undefined) edge.group = row.group;
    edges.push(edge);
  }
  const sortedNodes = [...nodes.values()].sort((a, b) => a.id.localeCompare(b.id));
  edges.sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to) || (a.group ?? '').localeCompare(b.group ?? ''));
  return { from: iso(range.from), to: iso(range.to), nodes: sortedNodes, edges };
}
