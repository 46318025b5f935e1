/** Reading back, at start-up, which alerts were firing: the latest stored event of each alert. */
import { MAX_ALERT_EVENT_LIMIT } from '../store/limits.js';
import type { AlertStore } from './store.js';
import type { AlertEvent } from './types.js';

/** Bounds start-up work and memory: the newest 20 pages of events tell every live alert's state in practice. */
const MAX_PAGES = 20;

export interface RestoredHistory {
  /** Alerts whose latest event is 'firing'. */
  firing: AlertEvent[];
  /** Some events could not be read (history longer than the pages read, or too many events in one instant). */
  truncated: boolean;
}

/**
 * Pages through history newest first. The store pages only by time, so a page that starts and
 * ends at the same instant (one evaluation changed more alerts than a page holds) is read again
 * rule by rule for that instant.
 */
export async function firingFromHistory(store: AlertStore, knownRuleIds: Iterable<string> = [], pageSize = MAX_ALERT_EVENT_LIMIT): Promise<RestoredHistory> {
  const latest = new Map<string, AlertEvent>();
  // Newest first: the first event read of an alert is its latest; re-reading an event changes nothing.
  // In the same millisecond a resolution can only follow the firing, whatever the id order says.
  const take = (events: AlertEvent[]) => {
    for (const event of events) {
      const known = latest.get(event.alertId);
      if (!known || (known.at === event.at && known.state === 'firing' && event.state === 'resolved')) latest.set(event.alertId, event);
    }
  };
  let truncated = false;
  let to: number | undefined;
  let pages = 0;
  for (; pages < MAX_PAGES; pages++) {
    const events = await store.listAlertEvents({ limit: pageSize, ...(to === undefined ? {} : { to }) });
    take(events);
    const newest = events[0];
    const oldest = events[events.length - 1];
    if (events.length < pageSize || newest === undefined || oldest === undefined) break;
    if (newest.at !== oldest.at) {
      // `to` is inclusive: the next page reads the rest of the oldest instant again.
      to = oldest.at;
      continue;
    }
    for (const ruleId of new Set([...events.map((event) => event.ruleId), ...knownRuleIds])) {
      const ofRule = await store.listAlertEvents({ limit: pageSize, from: oldest.at, to: oldest.at, ruleId });
      take(ofRule);
      if (ofRule.length >= pageSize) truncated = true;
    }
    // Events of rules that are neither in the page nor known (e.g. file rules, read later) may be missed.
    truncated = true;
    to = oldest.at - 1;
  }
  if (pages === MAX_PAGES) truncated = true;
  return { firing: [...latest.values()].filter((event) => event.state === 'firing'), truncated };
}
