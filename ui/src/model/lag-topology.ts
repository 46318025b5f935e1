/**
 * Current lag on topology consumer edges (destination → consuming service, one per group). The
 * topology names destinations as spans do, the lag monitor as the broker does: RabbitMQ spans say
 * `exchange:routingKey:queue` where the broker says `queue`. An edge matches a group's destination
 * when the names are equal or the span name ends with `:<queue>`; when the group reads exactly one
 * destination, the group name alone is enough.
 */
import type { DestinationLagView, GroupStatusView, LagStatusName } from '../api/schemas';
import { formatCount, formatLagSeconds } from './lag-format';
import type { TopologyGraphEdge } from './topology-graph';

export interface EdgeLag {
  group: string;
  destination: string;
  status: LagStatusName;
  reason: string;
  lag: number;
  lagSeconds: number | null;
  /** e.g. "lag 1,204 · 45 s". */
  label: string;
  /** The label's two parts, for a narrow edge label: "lag 1,204" and "45 s" (null when the age is unknown). */
  messagesLabel: string;
  ageLabel: string | null;
}

export const destinationMatches = (topologyDestination: string, lagDestination: string) =>
  topologyDestination === lagDestination || topologyDestination.endsWith(`:${lagDestination}`);

/** The lag of `group` on `destination`, or null when the collector has no status for it. */
export function matchEdgeLag(group: string, destination: string, groups: readonly GroupStatusView[]): EdgeLag | null {
  return matchAmong(group, destination, groups.filter((status) => status.group === group));
}

/** `candidates`: the statuses of `group` (one per cluster). */
function matchAmong(group: string, destination: string, candidates: readonly GroupStatusView[]): EdgeLag | null {
  for (const status of candidates) {
    const match = status.destinations.find((d) => destinationMatches(destination, d.destination));
    if (match) return edgeLag(group, match);
  }
  const destinations = candidates.flatMap((status) => status.destinations);
  const only = destinations.length === 1 ? destinations[0] : undefined;
  return only ? edgeLag(group, only) : null;
}

function edgeLag(group: string, destination: DestinationLagView): EdgeLag {
  const messagesLabel = `lag ${formatCount(destination.lag)}`;
  const ageLabel = destination.lagSeconds === null ? null : formatLagSeconds(destination.lagSeconds);
  return {
    group,
    destination: destination.destination,
    status: destination.status,
    reason: destination.reason,
    lag: destination.lag,
    lagSeconds: destination.lagSeconds,
    label: ageLabel === null ? messagesLabel : `${messagesLabel} · ${ageLabel}`,
    messagesLabel,
    ageLabel,
  };
}

/** Lag per consumer edge id; produce edges and edges without a group carry none. */
export function lagByEdge(
  edges: readonly Pick<TopologyGraphEdge, 'id' | 'role' | 'source' | 'edge'>[],
  destinationName: (nodeId: string) => string | undefined,
  groups: readonly GroupStatusView[],
): Map<string, EdgeLag> {
  const result = new Map<string, EdgeLag>();
  if (groups.length === 0) return result;
  // Indexed by name: a cluster can have thousands of groups and a map hundreds of edges.
  const byGroup = new Map<string, GroupStatusView[]>();
  for (const status of groups) {
    const sameName = byGroup.get(status.group);
    if (sameName) sameName.push(status);
    else byGroup.set(status.group, [status]);
  }
  for (const edge of edges) {
    const group = edge.edge.group;
    const destination = destinationName(edge.source);
    if (edge.role !== 'consume' || !group || destination === undefined) continue;
    const lag = matchAmong(group, destination, byGroup.get(group) ?? []);
    if (lag) result.set(edge.id, lag);
  }
  return result;
}
