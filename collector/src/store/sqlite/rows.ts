/**
 * Records ⇄ SQLite rows. Optional fields are NULL in the row and absent (not `undefined`) in the
 * record read back, so a record round-trips to a deep-equal copy.
 */
import type { SpanRecord } from '../../model/span.js';
import { stringAttr } from '../../model/span.js';
import type { CausalEdgeRecord, DeliveryRecord, DerivedRecords, EventRecord } from '../store.js';
import type { DerivedRows, SpanRows } from './writes.js';
import { deliveryLatencyMs } from '../topology-math.js';

export interface SpanRow {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  kind: string;
  start_time: number;
  end_time: number;
  start_time_unix_nano: string;
  duration_ms: number;
  status_code: string;
  status_message: string | null;
  service: string;
  message_id: string | null;
  resource: string;
  scope: string | null;
  attributes: string;
  links: string;
  events: string;
}

export interface EventRow {
  id: string;
  type: string | null;
  system: string | null;
  destination: string | null;
  producer_service: string;
  trace_id: string;
  span_id: string;
  published_at: number;
  send_duration_ms: number;
  send_error: number;
  attributes: string;
}

export interface DeliveryRow {
  id: string;
  event_id: string;
  service: string;
  consumer_group: string | null;
  system: string | null;
  destination: string | null;
  outcome: string;
  received_at: number;
  processed_at: number;
  duration_ms: number;
  queue_ms: number | null;
  latency_ms: number;
  trace_id: string;
  span_id: string;
  attributes: string;
}

export interface EdgeRow {
  id: string;
  from_id: string;
  to_id: string;
  at: number;
  via: string;
}

/**
 * JSON of objects that many spans share: the decoder gives every span of a resource (and of a
 * scope) the same object, so each is serialized once per request instead of once per span. Keyed
 * by identity, which holds because records are never changed once made.
 */
const sharedJson = new WeakMap<object, string>();

function jsonOfShared(value: object): string {
  let json = sharedJson.get(value);
  if (json === undefined) {
    json = JSON.stringify(value);
    sharedJson.set(value, json);
  }
  return json;
}

function jsonOfList(list: readonly unknown[]): string {
  return list.length === 0 ? '[]' : JSON.stringify(list);
}

export function spansToRows(spans: readonly SpanRecord[]): SpanRows {
  return { rows: spans.map(spanToRow), linkTargets: spans.map((span) => span.links.map((link) => link.spanId)) };
}

export function derivedToRows(records: DerivedRecords): DerivedRows {
  const rows: DerivedRows = {
    events: records.events.map(eventToRow),
    deliveries: records.deliveries.map(deliveryToRow),
    edges: records.edges.map(edgeToRow),
  };
  if (records.deadLetters) rows.deadLetters = records.deadLetters;
  return rows;
}

export function spanToRow(span: SpanRecord): SpanRow {
  return {
    trace_id: span.traceId,
    span_id: span.spanId,
    parent_span_id: span.parentSpanId ?? null,
    name: span.name,
    kind: span.kind,
    start_time: span.startTime,
    end_time: span.endTime,
    start_time_unix_nano: span.startTimeUnixNano,
    duration_ms: span.durationMs,
    status_code: span.statusCode,
    status_message: span.statusMessage ?? null,
    service: span.service,
    message_id: stringAttr(span.attributes, 'messaging.message.id') ?? null,
    resource: jsonOfShared(span.resource),
    scope: span.scope === undefined ? null : jsonOfShared(span.scope),
    attributes: JSON.stringify(span.attributes),
    links: jsonOfList(span.links),
    events: jsonOfList(span.events),
  };
}

export function rowToSpan(row: SpanRow): SpanRecord {
  const span: SpanRecord = {
    traceId: row.trace_id,
    spanId: row.span_id,
    name: row.name,
    kind: row.kind as SpanRecord['kind'],
    startTime: row.start_time,
    endTime: row.end_time,
    startTimeUnixNano: row.start_time_unix_nano,
    durationMs: row.duration_ms,
    statusCode: row.status_code as SpanRecord['statusCode'],
    service: row.service,
    resource: JSON.parse(row.resource) as SpanRecord['resource'],
    attributes: JSON.parse(row.attributes) as SpanRecord['attributes'],
    links: JSON.parse(row.links) as SpanRecord['links'],
    events: JSON.parse(row.events) as SpanRecord['events'],
  };
  if (row.parent_span_id !== null) span.parentSpanId = row.parent_span_id;
  if (row.status_message !== null) span.statusMessage = row.status_message;
  if (row.scope !== null) span.scope = JSON.parse(row.scope) as NonNullable<SpanRecord['scope']>;
  return span;
}

export function eventToRow(event: EventRecord): EventRow {
  return {
    id: event.id,
    type: event.type ?? null,
    system: event.system ?? null,
    destination: event.destination ?? null,
    producer_service: event.producerService,
    trace_id: event.traceId,
    span_id: event.spanId,
    published_at: event.publishedAt,
    send_duration_ms: event.sendDurationMs,
    send_error: event.sendError ? 1 : 0,
    attributes: JSON.stringify(event.attributes),
  };
}

export function rowToEvent(row: EventRow): EventRecord {
  const event: EventRecord = {
    id: row.id,
    producerService: row.producer_service,
    traceId: row.trace_id,
    spanId: row.span_id,
    publishedAt: row.published_at,
    sendDurationMs: row.send_duration_ms,
    sendError: row.send_error !== 0,
    attributes: JSON.parse(row.attributes) as EventRecord['attributes'],
  };
  if (row.type !== null) event.type = row.type;
  if (row.system !== null) event.system = row.system;
  if (row.destination !== null) event.destination = row.destination;
  return event;
}

export function deliveryToRow(delivery: DeliveryRecord): DeliveryRow {
  return {
    id: delivery.id,
    event_id: delivery.eventId,
    service: delivery.service,
    consumer_group: delivery.group ?? null,
    system: delivery.system ?? null,
    destination: delivery.destination ?? null,
    outcome: delivery.outcome,
    received_at: delivery.receivedAt,
    processed_at: delivery.processedAt,
    duration_ms: delivery.durationMs,
    queue_ms: delivery.queueMs ?? null,
    latency_ms: deliveryLatencyMs(delivery),
    trace_id: delivery.traceId,
    span_id: delivery.spanId,
    attributes: JSON.stringify(delivery.attributes),
  };
}

export function rowToDelivery(row: DeliveryRow): DeliveryRecord {
  const delivery: DeliveryRecord = {
    id: row.id,
    eventId: row.event_id,
    service: row.service,
    outcome: row.outcome as DeliveryRecord['outcome'],
    receivedAt: row.received_at,
    processedAt: row.processed_at,
    durationMs: row.duration_ms,
    traceId: row.trace_id,
    spanId: row.span_id,
    attributes: JSON.parse(row.attributes) as DeliveryRecord['attributes'],
  };
  if (row.consumer_group !== null) delivery.group = row.consumer_group;
  if (row.system !== null) delivery.system = row.system;
  if (row.destination !== null) delivery.destination = row.destination;
  if (row.queue_ms !== null) delivery.queueMs = row.queue_ms;
  return delivery;
}

export function edgeToRow(edge: CausalEdgeRecord): EdgeRow {
  return { id: edge.id, from_id: edge.from, to_id: edge.to, at: edge.at, via: edge.via };
}

export function rowToEdge(row: EdgeRow): CausalEdgeRecord {
  return { id: row.id, from: row.from_id, to: row.to_id, at: row.at, via: row.via as CausalEdgeRecord['via'] };
}
