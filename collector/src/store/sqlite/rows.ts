/**
 * Records ⇄ SQLite rows. Optional fields are NULL in the row and absent (not `undefined`) in the
 * record read back, so a record round-trips to a deep-equal copy. Rows are written as arrays of
 * values in their table's column order (`SPAN_COLUMNS` and the others in writes.ts, which say why)
 * and read back as objects keyed by column (`SpanRow` and the others).
 */
import type { SpanRecord } from '../../model/span.js';
import { stringAttr } from '../../model/span.js';
import type { CausalEdgeRecord, DeliveryRecord, DerivedRecords, EventRecord } from '../store.js';
import type { DeliveryValues, DerivedRows, EdgeValues, EventValues, SpanRows, SpanValues } from './writes.js';
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

/** A span's row, in `SPAN_COLUMNS` order. */
export function spanToRow(span: SpanRecord): SpanValues {
  return [
    span.traceId,
    span.spanId,
    span.parentSpanId ?? null,
    span.name,
    span.kind,
    span.startTime,
    span.endTime,
    span.startTimeUnixNano,
    span.durationMs,
    span.statusCode,
    span.statusMessage ?? null,
    span.service,
    stringAttr(span.attributes, 'messaging.message.id') ?? null,
    jsonOfShared(span.resource),
    span.scope === undefined ? null : jsonOfShared(span.scope),
    JSON.stringify(span.attributes),
    jsonOfList(span.links),
    jsonOfList(span.events),
  ];
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

/** An event's row, in `EVENT_COLUMNS` order. */
export function eventToRow(event: EventRecord): EventValues {
  return [
    event.id,
    event.type ?? null,
    event.system ?? null,
    event.destination ?? null,
    event.producerService,
    event.traceId,
    event.spanId,
    event.publishedAt,
    event.sendDurationMs,
    event.sendError ? 1 : 0,
    JSON.stringify(event.attributes),
  ];
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

/** A delivery's row, in `DELIVERY_COLUMNS` order. */
export function deliveryToRow(delivery: DeliveryRecord): DeliveryValues {
  return [
    delivery.id,
    delivery.eventId,
    delivery.service,
    delivery.group ?? null,
    delivery.system ?? null,
    delivery.destination ?? null,
    delivery.outcome,
    delivery.receivedAt,
    delivery.processedAt,
    delivery.durationMs,
    delivery.queueMs ?? null,
    deliveryLatencyMs(delivery),
    delivery.traceId,
    delivery.spanId,
    JSON.stringify(delivery.attributes),
  ];
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

/** An edge's row, in `EDGE_COLUMNS` order. */
export function edgeToRow(edge: CausalEdgeRecord): EdgeValues {
  return [edge.id, edge.from, edge.to, edge.at, edge.via];
}

export function rowToEdge(row: EdgeRow): CausalEdgeRecord {
  return { id: row.id, from: row.from_id, to: row.to_id, at: row.at, via: row.via as CausalEdgeRecord['via'] };
}
