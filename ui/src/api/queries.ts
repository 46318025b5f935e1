/** One function per collector endpoint the UI reads or writes. */
import { deleteResource, fetchJson, postJson, queryString } from './client';
import {
  alertRuleSchema,
  alertRulesResponseSchema,
  alertsResponseSchema,
  eventDetailSchema,
  eventSearchResponseSchema,
  lagResponseSchema,
  lagStatusResponseSchema,
  lineageSchema,
  topologySchema,
  traceSchema,
  type AlertRuleBody,
  type AlertRuleView,
  type AlertsResponse,
  type EventDetail,
  type EventSummary,
  type LagResponse,
  type LagStatusResponse,
  type Lineage,
  type LineageDirection,
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
