/**
 * The Lag page's list of groups: worst first, narrowed by a text filter or to problems only, and
 * cut to a number of rows a browser redraws cheaply every refresh (a cluster can have thousands).
 */
import type { GroupStatusView } from '../api/schemas';
import { LAG_STATUS_SEVERITY } from './lag-format';

export const DEFAULT_GROUP_ROWS = 200;

/** Worst first, then most lag, then by name: the order the collector promises, re-applied so the UI never depends on it. */
export function sortGroupsBySeverity<T extends Pick<GroupStatusView, 'status' | 'lag' | 'group' | 'cluster'>>(groups: readonly T[]): T[] {
  return [...groups].sort(
    (a, b) =>
      LAG_STATUS_SEVERITY[b.status] - LAG_STATUS_SEVERITY[a.status] ||
      b.lag - a.lag ||
      a.group.localeCompare(b.group) ||
      a.cluster.localeCompare(b.cluster),
  );
}

export interface GroupFilter {
  /** Case-insensitive part of the group's, a destination's, or the cluster's name. */
  text: string;
  problemsOnly: boolean;
}

export interface VisibleGroups {
  rows: GroupStatusView[];
  /** Groups matching the filter, before the row limit. */
  matching: number;
}

export function visibleGroups(groups: readonly GroupStatusView[], filter: GroupFilter, limit = DEFAULT_GROUP_ROWS): VisibleGroups {
  const needle = filter.text.trim().toLowerCase();
  const matches = groups.filter(
    (status) =>
      (!filter.problemsOnly || status.status !== 'OK') &&
      (!needle ||
        status.group.toLowerCase().includes(needle) ||
        status.cluster.toLowerCase().includes(needle) ||
        status.destinations.some((d) => d.destination.toLowerCase().includes(needle))),
  );
  return { rows: sortGroupsBySeverity(matches).slice(0, limit), matching: matches.length };
}
