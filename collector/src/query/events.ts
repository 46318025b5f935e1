/** Event detail and event search, shaped for the API from store records. */
import type { DeliveryRecord, EventRecord, Store } from '../store/store.js';
import type { EventConsumer, EventDetail, EventSearchQuery, EventSummary } from '../schemas/events.js';
import { DEFAULT_SEARCH_LIMIT } from '../schemas/events.js';
import { eventStatus } from './status.js';
import { deadLetterMarks } from './dead-letter-marks.js';
import { iso, parseOptionalRange } from './time.js';

/**
 * The event with its consumers, or undefined when nothing is known about `id`. An event seen only
 * through its consumers (producer not instrumented, or its span not arrived yet) still answers:
 * `producer`, `traceId`, `spanId`, `publishedAt` and `sendDurationMs` are null, `type`,
 * `destination` and `system` come from the consumers.
 */
export async function getEventDetail(store: Store, id: string): Promise<EventDetail | undefined> {
  const [events, deliveries] = await Promise.all([store.getEvents([id]), store.getDeliveries([id])]);
  const event = events.find((e) => e.id === id);
  const own = deliveries.filter((d) => d.eventId === id).sort((a, b) => a.receivedAt - b.receivedAt || compareText(a.id, b.id));
  if (!event && own.length === 0) return undefined;
  const deadLettered = await deadLetterMarks(store, own);
  return { ...eventFields(id, event, own, deadLettered.has(id)), consumers: own.map(toConsumer) };
}

export async function searchEvents(store: Store, query: EventSearchQuery): Promise<EventSummary[]> {
  const range = parseOptionalRange(query.from, query.to);
  const events = await store.searchEvents({
    type: query.type,
    service: query.service,
    destination: query.destination,
    from: range.from,
    to: range.to,
    limit: query.limit ?? DEFAULT_SEARCH_LIMIT,
  });
  const deliveries = events.length > 0 ? await store.getDeliveries(events.map((e) => e.id)) : [];
  const byEvent = groupBy(deliveries, (d) => d.eventId);
  const deadLettered = await deadLetterMarks(store, deliveries);
  return events.map((event) => {
    const own = byEvent.get(event.id) ?? [];
    return { ...eventFields(event.id, event, own, deadLettered.has(event.id)), consumerCount: own.length };
  });
}

/** `deadLettered`: a dead-letter record exists for it (Kafka consumers only fail; the DLT copy tells). */
function eventFields(id: string, event: EventRecord | undefined, deliveries: DeliveryRecord[], deadLettered: boolean) {
  const first = deliveries[0];
  const consumerType = deliveries.map((d) => d.attributes['causeway.event.type']).find((t): t is string => typeof t === 'string');
  return {
    id,
    type: event?.type ?? consumerType ?? null,
    traceId: event?.traceId ?? null,
    spanId: event?.spanId ?? null,
    producer: event ? { service: event.producerService } : null,
    destination: event?.destination ?? first?.destination ?? null,
    system: event?.system ?? first?.system ?? null,
    publishedAt: event ? iso(event.publishedAt) : null,
    sendDurationMs: event?.sendDurationMs ?? null,
    sendError: event?.sendError ?? false,
    status: deadLettered ? ('dead-lettered' as const) : eventStatus(deliveries, event?.sendError ?? false),
  };
}

function toConsumer(d: DeliveryRecord): EventConsumer {
  return {
    service: d.service,
    group: d.group ?? null,
    system: d.system ?? null,
    destination: d.destination ?? null,
    outcome: d.outcome,
    receivedAt: iso(d.receivedAt),
    processedAt: iso(d.processedAt),
    durationMs: d.durationMs,
    queueMs: d.queueMs ?? null,
    traceId: d.traceId,
    spanId: d.spanId,
  };
}

export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
