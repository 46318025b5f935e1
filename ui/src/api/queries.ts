/** One function per collector endpoint the UI reads or writes. */
import { deleteResource, fetchJson, postJson, queryString } from './client';
import {
  alertRuleSchema,
  alertRulesResponseSchema,
  alertsResponseSchema,
  deadLetterDetailSchema,
  deadLetterListResponseSchema,
  eventDetailSchema,
  eventSearchResponseSchema,
  hotspotResponseSchema,
  lagResponseSchema,
  lagStatusResponseSchema,
  lineageSchema,
  redriveResponseSchema,
  topologySchema,
  traceSchema,
  type AlertRuleBody,
  type AlertRuleView,
  type AlertsResponse,
  type DeadLetterDetail,
  type DeadLetterFilter,
  type DeadLetterView,
  type EventDetail,
  type EventSummary,
  type HotspotDimension,
  type HotspotResponse,
  type LagResponse,
  type LagStatusResponse,
  type Lineage,
  type LineageDirection,
  type RedriveResponse,
  type Topology,
  type Trace,
} from './schemas';

export interface EventSearchParams {
  type?: string;
  service?: string;
  destination?: string;
  from?: string;
  to?: string;
  limit?: number;
}

export async function searchEvents(params: EventSearchParams, signal?: AbortSignal): Promise<EventSummary[]> {
  const answer = await fetchJson(`/api/events${queryString({ ...params })}`, eventSearchResponseSchema, signal);
  return answer.events;
}

export function getEvent(id: string, signal?: AbortSignal): Promise<EventDetail> {
  return fetchJson(`/api/events/${encodeURIComponent(id)}`, eventDetailSchema, signal);
}

export function getLineage(id: string, options: { direction: LineageDirection; depth: number }, signal?: AbortSignal): Promise<Lineage> {
  return fetchJson(`/api/events/${encodeURIComponent(id)}/lineage${queryString(options)}`, lineageSchema, signal);
}

export function getTopology(range: { from: string; to: string }, signal?: AbortSignal): Promise<Topology> {
  return fetchJson(`/api/topology${queryString(range)}`, topologySchema, signal);
}

export function getTrace(traceId: string, signal?: AbortSignal): Promise<Trace> {
  return fetchJson(`/api/traces/${encodeURIComponent(traceId)}`, traceSchema, signal);
}

export function getLagStatus(signal?: AbortSignal): Promise<LagStatusResponse> {
  return fetchJson('/api/lag/status', lagStatusResponseSchema, signal);
}

export interface LagQuery {
  group?: string;
  destination?: string;
  cluster?: string;
  from: string;
  to: string;
}

export function getLag(params: LagQuery, signal?: AbortSignal): Promise<LagResponse> {
  return fetchJson(`/api/lag${queryString({ ...params })}`, lagResponseSchema, signal);
}

export function getAlerts(params: { limit?: number; group?: string }, signal?: AbortSignal): Promise<AlertsResponse> {
  return fetchJson(`/api/alerts${queryString({ ...params })}`, alertsResponseSchema, signal);
}

export async function getAlertRules(signal?: AbortSignal): Promise<AlertRuleView[]> {
  const answer = await fetchJson('/api/alerts/rules', alertRulesResponseSchema, signal);
  return answer.rules;
}

export function createAlertRule(body: AlertRuleBody, signal?: AbortSignal): Promise<AlertRuleView> {
  return postJson('/api/alerts/rules', body, alertRuleSchema, signal);
}

export function deleteAlertRule(id: string, signal?: AbortSignal): Promise<void> {
  return deleteResource(`/api/alerts/rules/${encodeURIComponent(id)}`, signal);
}

export interface HotspotQuery {
  from: string;
  to: string;
  groupBy: readonly HotspotDimension[];
  /** Trend bucket width as a duration, e.g. `5m`. */
  bucket?: string;
}

export function getDeadLetterHotspots(params: HotspotQuery, signal?: AbortSignal): Promise<HotspotResponse> {
  const query = queryString({ from: params.from, to: params.to, groupBy: params.groupBy.join(','), bucket: params.bucket });
  return fetchJson(`/api/deadletters/hotspots${query}`, hotspotResponseSchema, signal);
}

export interface DeadLetterSearchParams extends DeadLetterFilter {
  from: string;
  to: string;
  limit?: number;
}

export async function searchDeadLetters(params: DeadLetterSearchParams, signal?: AbortSignal): Promise<DeadLetterView[]> {
  const answer = await fetchJson(`/api/deadletters${queryString({ ...params })}`, deadLetterListResponseSchema, signal);
  return answer.deadLetters;
}

export function getDeadLetter(id: string, signal?: AbortSignal): Promise<DeadLetterDetail> {
  return fetchJson(`/api/deadletters/${encodeURIComponent(id)}`, deadLetterDetailSchema, signal);
}

/** Who redrives: the admin token (required) and, for the audit log, a name. */
export interface RedriveCredentials {
  token: string;
  actor?: string;
}

export interface RedriveOptions {
  dryRun: boolean;
  /** Redrive even if it was redriven before (the collector's loop guard refuses otherwise). */
  force?: boolean;
}

function redriveHeaders(credentials: RedriveCredentials): Record<string, string> {
  const headers: Record<string, string> = { authorization: `Bearer ${credentials.token}` };
  const actor = credentials.actor?.trim();
  if (actor) headers['x-causeway-actor'] = actor;
  return headers;
}

export function redriveDeadLetter(id: string, options: RedriveOptions, credentials: RedriveCredentials, signal?: AbortSignal): Promise<RedriveResponse> {
  return postJson(`/api/deadletters/${encodeURIComponent(id)}/redrive`, { ...options }, redriveResponseSchema, signal, redriveHeaders(credentials));
}

export interface BulkRedriveSelection {
  filter: DeadLetterFilter & { from: string; to: string };
  /** At most this many (the collector's default is 100, its maximum 1,000). */
  limit?: number;
}

export function redriveDeadLetters(selection: BulkRedriveSelection, options: RedriveOptions, credentials: RedriveCredentials, signal?: AbortSignal): Promise<RedriveResponse> {
  return postJson('/api/deadletters/redrive', { ...selection, ...options }, redriveResponseSchema, signal, redriveHeaders(credentials));
}
