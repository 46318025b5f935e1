/**
 * Turns the evaluator's `GroupStatus[]` into the label sets `/metrics` exports, with bounded
 * cardinality: one series per (cluster, group, destination), never per partition, and at most
 * `maxSeries` of them, the most alarming first so a cap never hides a stopped consumer behind a
 * healthy one.
 */
import { STATUS_SEVERITY, type GroupStatus, type LagStatus } from '../lag/types.js';

/** Longest label value exported; longer names are cut (Prometheus copes, dashboards do not). */
export const MAX_LABEL_VALUE_LENGTH = 200;

export interface LagSeries {
  cluster: string;
  group: string;
  destination: string;
  /** `STATUS_SEVERITY` of the destination's status. */
  severity: number;
  /** Messages behind, summed over partitions. */
  lag: number;
  /** Maximum over partitions; undefined when no partition could estimate it. */
  lagSeconds?: number;
  drainSeconds?: number;
}

export interface GroupMembersSeries {
  cluster: string;
  group: string;
  members: number;
}

export interface LagSeriesSelection {
  /** Kept series, worst first. */
  series: LagSeries[];
  /** Members per (cluster, group) of the kept series (plus groups without destinations while room is left). */
  members: GroupMembersSeries[];
  /** Series that existed but were left out by the cap. */
  dropped: number;
  /** Groups per cluster and status (all groups, dropped or not): a bounded overview that survives the cap. */
  groupsByStatus: Array<{ cluster: string; status: LagStatus; count: number }>;
}

export function truncateLabel(value: unknown): string {
  const text = typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
  return text.length > MAX_LABEL_VALUE_LENGTH ? text.slice(0, MAX_LABEL_VALUE_LENGTH) : text;
}

function severityOf(status: unknown): number {
  return typeof status === 'string' && Object.hasOwn(STATUS_SEVERITY, status) ? STATUS_SEVERITY[status as LagStatus] : 0;
}

function finiteOrUndefined(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function maxDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.max(a, b);
}

/** Per destination figures of one group: its `destinations`, or derived from `partitions` when a producer left them out. */
function destinationsOf(group: GroupStatus): Array<Omit<LagSeries, 'cluster' | 'group'>> {
  const out = new Map<string, Omit<LagSeries, 'cluster' | 'group'>>();
  const add = (destination: unknown, status: unknown, lag: unknown, lagSeconds: unknown, drainSeconds: unknown): void => {
    const name = truncateLabel(destination);
    const entry = out.get(name) ?? { destination: name, severity: 0, lag: 0 };
    entry.severity = Math.max(entry.severity, severityOf(status));
    entry.lag += Math.max(0, finiteOrUndefined(lag) ?? 0);
    entry.lagSeconds = maxDefined(entry.lagSeconds, finiteOrUndefined(lagSeconds));
    entry.drainSeconds = maxDefined(entry.drainSeconds, finiteOrUndefined(drainSeconds));
    out.set(name, entry);
  };
  const destinations = Array.isArray(group.destinations) ? group.destinations : [];
  const source = destinations.length > 0 ? destinations : Array.isArray(group.partitions) ? group.partitions : [];
  for (const d of source) {
    if (d && typeof d === 'object') add(d.destination, d.status, d.lag, d.lagSeconds, d.drainSeconds);
  }
  return [...out.values()];
}

/** Code-unit order: locale-independent, so the same statuses always keep the same series. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareSeries(a: LagSeries, b: LagSeries): number {
  return (
    b.severity - a.severity ||
    b.lag - a.lag ||
    (b.lagSeconds ?? -1) - (a.lagSeconds ?? -1) ||
    compareText(a.cluster, b.cluster) ||
    compareText(a.group, b.group) ||
    compareText(a.destination, b.destination)
  );
}

/**
 * Statuses from different sources can share a label set (a Kafka topic and a RabbitMQ queue of the
 * same name under one cluster name): they are merged (lag summed, worst status, longest seconds)
 * rather than one silently overwriting the other.
 */
export function selectLagSeries(groups: readonly GroupStatus[], maxSeries: number): LagSeriesSelection {
  const byKey = new Map<string, LagSeries>();
  const membersByGroup = new Map<string, GroupMembersSeries>();
  const groupsWithoutDestinations = new Set<string>();
  const statusCounts = new Map<string, { cluster: string; status: LagStatus; count: number }>();

  for (const group of Array.isArray(groups) ? groups : []) {
    if (!group || typeof group !== 'object') continue;
    const cluster = truncateLabel(group.cluster);
    const name = truncateLabel(group.group);
    const groupKey = JSON.stringify([cluster, name]);
    const members = membersByGroup.get(groupKey) ?? { cluster, group: name, members: 0 };
    members.members += Math.max(0, finiteOrUndefined(group.members) ?? 0);
    membersByGroup.set(groupKey, members);

    const status: LagStatus = Object.hasOwn(STATUS_SEVERITY, group.status) ? group.status : 'OK';
    const countKey = JSON.stringify([cluster, status]);
    const counted = statusCounts.get(countKey) ?? { cluster, status, count: 0 };
    counted.count += 1;
    statusCounts.set(countKey, counted);

    const destinations = destinationsOf(group);
    if (destinations.length === 0) groupsWithoutDestinations.add(groupKey);
    for (const d of destinations) {
      const key = JSON.stringify([cluster, name, d.destination]);
      const existing = byKey.get(key);
      if (!existing) {
        byKey.set(key, { cluster, group: name, ...d });
        continue;
      }
      existing.severity = Math.max(existing.severity, d.severity);
      existing.lag += d.lag;
      existing.lagSeconds = maxDefined(existing.lagSeconds, d.lagSeconds);
      existing.drainSeconds = maxDefined(existing.drainSeconds, d.drainSeconds);
    }
  }

  const cap = Number.isFinite(maxSeries) ? Math.max(0, Math.floor(maxSeries)) : 0;
  const all = [...byKey.values()].sort(compareSeries);
  const series = all.slice(0, cap);

  // Members follow the kept series so the cap bounds them too; a group without any destination
  // (nothing assigned yet) still shows its members while there is room.
  const keptGroups = new Set<string>();
  for (const s of series) keptGroups.add(JSON.stringify([s.cluster, s.group]));
  for (const key of groupsWithoutDestinations) {
    if (keptGroups.size >= cap) break;
    keptGroups.add(key);
  }
  const members: GroupMembersSeries[] = [];
  for (const key of keptGroups) {
    const m = membersByGroup.get(key);
    if (m) members.push(m);
  }

  return { series, members, dropped: all.length - series.length, groupsByStatus: [...statusCounts.values()] };
}
