/**
 * Alert rules and history over Elasticsearch, one small index each. Rule writes use
 * `refresh=wait_for`, so a rule listed right after it was written or deleted is seen as written
 * (read-your-writes; a waiting write also makes a search-idle shard refresh at the next interval).
 * History is written with the bulk helper and its index refreshed once per call, so the API shows
 * an alert's state change as soon as the engine has recorded it.
 */
import type { Client, estypes } from '@elastic/elasticsearch';
import type { AlertEvent, AlertEventQuery, AlertRule } from '../../alerts/types.js';
import { clampLimit, MAX_ALERT_EVENT_LIMIT } from '../limits.js';
import { writeBulk, type BulkOptions } from './bulk.js';
import { docId, type IndexNames } from './index-names.js';
import { searchAll } from './reads.js';
import { timeRange } from './time-range.js';

interface AlertRuleDoc {
  docRef: string;
  id: string;
  rule: AlertRule;
}

interface AlertEventDoc extends AlertEvent {
  docRef: string;
}

export async function putAlertRule(client: Client, names: IndexNames, rule: AlertRule): Promise<void> {
  const id = docId(rule.id);
  const document: AlertRuleDoc = { docRef: id, id: rule.id, rule };
  await client.index({ index: names.alertRules(), id, document, refresh: 'wait_for' });
}

export async function listAlertRules(client: Client, names: IndexNames): Promise<AlertRule[]> {
  const docs = await searchAll<AlertRuleDoc>(client, names.alertRules(), { match_all: {} });
  // By id, as SQLite lists them (docRef order differs for hashed ids).
  return docs.map((doc) => doc.rule).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export async function deleteAlertRule(client: Client, names: IndexNames, id: string): Promise<boolean> {
  // 404: no such rule, or no rule index yet.
  const response = await client.delete({ index: names.alertRules(), id: docId(id), refresh: 'wait_for' }, { ignore: [404] });
  return response.result === 'deleted';
}

export async function putAlertEvents(client: Client, names: IndexNames, events: AlertEvent[], options: BulkOptions): Promise<void> {
  if (events.length === 0) return;
  const index = names.alertEvents();
  const latest = new Map(events.map((event) => [docId(event.id), event]));
  const operations = [...latest].map(([id, event]) => ({ index, id, document: { ...event, docRef: id } satisfies AlertEventDoc }));
  await writeBulk(client, operations, options);
  await client.indices.refresh({ index, ignore_unavailable: true });
}

export async function listAlertEvents(client: Client, names: IndexNames, query: AlertEventQuery): Promise<AlertEvent[]> {
  const limit = clampLimit(query.limit, MAX_ALERT_EVENT_LIMIT);
  const range = timeRange('at', query.from, query.to);
  if (limit === 0 || range === null) return [];
  const filter: estypes.QueryDslQueryContainer[] = [];
  if (query.from !== undefined || query.to !== undefined) filter.push(range);
  if (query.ruleId !== undefined) filter.push({ term: { ruleId: query.ruleId } });
  if (query.group !== undefined) filter.push({ term: { group: query.group } });
  const response = await client.search<AlertEventDoc>({
    index: names.alertEvents(),
    query: { bool: { filter } },
    // `id` orders ties as SQLite does; `docRef` differs from it only for hashed (over-long) ids.
    sort: [{ at: 'desc' }, { id: 'asc' }, { docRef: 'asc' }],
    size: limit,
    track_total_hits: false,
    ignore_unavailable: true,
    allow_no_indices: true,
  });
  return response.hits.hits.flatMap((hit) => {
    if (!hit._source) return [];
    const { docRef: _docRef, ...event } = hit._source;
    return [event];
  });
}
