/** One function per collector endpoint the UI reads. */
import { fetchJson, queryString } from './client';
import {
  eventDetailSchema,
  eventSearchResponseSchema,
  lineageSchema,
  topologySchema,
  traceSchema,
  type EventDetail,
  type EventSummary,
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
