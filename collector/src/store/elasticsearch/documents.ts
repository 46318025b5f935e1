/**
 * Records ⇄ Elasticsearch documents. A document is the record as-is (so `_source` round-trips it
 * exactly) plus a few derived, indexed fields the queries need; reading strips those again.
 */
import type { SpanLink, SpanRecord } from '../../model/span.js';
import { spanKey, stringAttr } from '../../model/span.js';
import type { CausalEdgeRecord, DeliveryRecord, EventRecord } from '../store.js';
import { deliveryLatencyMs } from '../topology-math.js';
import { docId } from './index-names.js';

/** Fields every document carries: `docRef` equals `_id`, sortable (Elasticsearch cannot sort on `_id`). */
interface DocBase {
  docRef: string;
}

/**
 * A time as sent to a `date_nanos` field: fractional milliseconds go as a decimal string.
 * Elasticsearch (seen on 9.2) mis-indexes a fractional JSON *number* in a `date_nanos` /
 * `epoch_millis` field: the time itself is right, but the doc value of the next numeric field of
 * the document becomes that time (an event's send duration read as 1.7e12 in topology
 * percentiles). The same value as a string is parsed exactly, to the nanosecond.
 */
export type DocTime = number | string;

export function toDocTime(ms: number): DocTime {
  return Number.isInteger(ms) ? ms : String(ms);
}

/** A time read back from `_source`: a string written by `toDocTime`, or a number (integral, or written by an older collector). */
export function fromDocTime(value: DocTime): number {
  return typeof value === 'string' ? Number(value) : value;
}

type WithDocTimes<T, K extends keyof T> = Omit<T, K> & { [P in K]: DocTime };

export interface SpanDoc extends WithDocTimes<SpanRecord, 'startTime' | 'endTime'>, DocBase {
  linkedSpanIds: string[];
  messageIdRef?: string;
}
export interface EventDoc extends WithDocTimes<EventRecord, 'publishedAt'>, DocBase {}
export interface DeliveryDoc extends WithDocTimes<DeliveryRecord, 'receivedAt' | 'processedAt'>, DocBase {
  eventRef: string;
  latencyMs: number;
}
export interface EdgeDoc extends WithDocTimes<CausalEdgeRecord, 'at'>, DocBase {
  fromRef: string;
  toRef: string;
}

export function spanDocId(traceId: string, spanId: string): string {
  return docId(spanKey(traceId, spanId));
}

/*
 * Writing: each mapper builds the document as one object literal of a fixed shape, which V8 builds
 * and JSON.stringify serializes several times faster than the spread of the record it replaces
 * (`{...span, ...}` was the largest part of the collector's own CPU per span on the Elasticsearch
 * ingest path). A key whose value is undefined is left out by JSON.stringify, exactly as it was
 * when the spread copied it, so the documents are the same bytes for records as the decoder and
 * the correlator make them. A record with a key its type does not name (none should have one)
 * still goes through the spread, so it is stored whole as before.
 */

const SPAN_KEYS: ReadonlySet<string> = new Set([
  'traceId', 'spanId', 'parentSpanId', 'name', 'kind', 'startTime', 'endTime', 'startTimeUnixNano', 'durationMs', 'statusCode',
  'statusMessage', 'service', 'resource', 'scope', 'attributes', 'links', 'events',
] satisfies Array<keyof SpanRecord>);
const EVENT_KEYS: ReadonlySet<string> = new Set([
  'id', 'type', 'system', 'destination', 'producerService', 'traceId', 'spanId', 'publishedAt', 'sendDurationMs', 'sendError', 'attributes',
] satisfies Array<keyof EventRecord>);
const DELIVERY_KEYS: ReadonlySet<string> = new Set([
  'id', 'eventId', 'service', 'group', 'system', 'destination', 'outcome', 'receivedAt', 'processedAt', 'durationMs', 'queueMs',
  'traceId', 'spanId', 'attributes',
] satisfies Array<keyof DeliveryRecord>);
const EDGE_KEYS: ReadonlySet<string> = new Set(['id', 'from', 'to', 'at', 'via'] satisfies Array<keyof CausalEdgeRecord>);

function hasOnlyKeys(record: object, keys: ReadonlySet<string>): boolean {
  for (const key in record) if (!keys.has(key)) return false;
  return true;
}

export function spanToDoc(span: SpanRecord): SpanDoc {
  if (!hasOnlyKeys(span, SPAN_KEYS)) return spreadSpanToDoc(span);
  const messageId = stringAttr(span.attributes, 'messaging.message.id');
  // In the decoder's key order (see otlp/to-span-records.ts), then the appended fields in spanToDoc's.
  const doc: Record<keyof SpanDoc, unknown> = {
    traceId: span.traceId,
    spanId: span.spanId,
    name: span.name,
    kind: span.kind,
    startTime: toDocTime(span.startTime),
    endTime: toDocTime(span.endTime),
    startTimeUnixNano: span.startTimeUnixNano,
    durationMs: span.durationMs,
    statusCode: span.statusCode,
    service: span.service,
    resource: span.resource,
    attributes: span.attributes,
    links: span.links,
    events: span.events,
    parentSpanId: span.parentSpanId,
    statusMessage: span.statusMessage,
    scope: span.scope,
    docRef: spanDocId(span.traceId, span.spanId),
    linkedSpanIds: linkedSpanIds(span),
    messageIdRef: messageId === undefined ? undefined : docId(messageId),
  };
  return doc as SpanDoc;
}

/** What spanToDoc always did, for a record of another shape. */
function spreadSpanToDoc(span: SpanRecord): SpanDoc {
  const doc: SpanDoc = {
    ...span,
    startTime: toDocTime(span.startTime),
    endTime: toDocTime(span.endTime),
    docRef: spanDocId(span.traceId, span.spanId),
    linkedSpanIds: linkedSpanIds(span),
  };
  const messageId = stringAttr(span.attributes, 'messaging.message.id');
  if (messageId !== undefined) doc.messageIdRef = docId(messageId);
  return doc;
}

function linkedSpanIds(span: SpanRecord): string[] {
  const links = span.links;
  // Most spans have no link or one: no Set for those.
  if (links.length === 0) return [];
  if (links.length === 1) return [(links[0] as SpanLink).spanId];
  return [...new Set(links.map((link) => link.spanId))];
}

export function docToSpan(doc: SpanDoc): SpanRecord {
  const { docRef: _docRef, linkedSpanIds: _linked, messageIdRef: _messageIdRef, startTime, endTime, ...span } = doc;
  return { ...span, startTime: fromDocTime(startTime), endTime: fromDocTime(endTime) };
}

export function eventToDoc(event: EventRecord): EventDoc {
  if (!hasOnlyKeys(event, EVENT_KEYS)) return { ...event, publishedAt: toDocTime(event.publishedAt), docRef: docId(event.id) };
  // In the correlator's key order (see correlation/events.ts).
  const doc: Record<keyof EventDoc, unknown> = {
    id: event.id,
    producerService: event.producerService,
    traceId: event.traceId,
    spanId: event.spanId,
    publishedAt: toDocTime(event.publishedAt),
    sendDurationMs: event.sendDurationMs,
    sendError: event.sendError,
    attributes: event.attributes,
    type: event.type,
    system: event.system,
    destination: event.destination,
    docRef: docId(event.id),
  };
  return doc as EventDoc;
}

export function docToEvent(doc: EventDoc): EventRecord {
  const { docRef: _docRef, publishedAt, ...event } = doc;
  return { ...event, publishedAt: fromDocTime(publishedAt) };
}

export function deliveryToDoc(delivery: DeliveryRecord): DeliveryDoc {
  if (!hasOnlyKeys(delivery, DELIVERY_KEYS)) {
    return {
      ...delivery,
      receivedAt: toDocTime(delivery.receivedAt),
      processedAt: toDocTime(delivery.processedAt),
      docRef: docId(delivery.id),
      eventRef: docId(delivery.eventId),
      latencyMs: deliveryLatencyMs(delivery),
    };
  }
  // In the correlator's key order (see correlation/deliveries.ts).
  const doc: Record<keyof DeliveryDoc, unknown> = {
    id: delivery.id,
    eventId: delivery.eventId,
    service: delivery.service,
    outcome: delivery.outcome,
    receivedAt: toDocTime(delivery.receivedAt),
    processedAt: toDocTime(delivery.processedAt),
    durationMs: delivery.durationMs,
    traceId: delivery.traceId,
    spanId: delivery.spanId,
    attributes: delivery.attributes,
    group: delivery.group,
    system: delivery.system,
    destination: delivery.destination,
    queueMs: delivery.queueMs,
    docRef: docId(delivery.id),
    eventRef: docId(delivery.eventId),
    latencyMs: deliveryLatencyMs(delivery),
  };
  return doc as DeliveryDoc;
}

export function docToDelivery(doc: DeliveryDoc): DeliveryRecord {
  const { docRef: _docRef, eventRef: _eventRef, latencyMs: _latencyMs, receivedAt, processedAt, ...delivery } = doc;
  return { ...delivery, receivedAt: fromDocTime(receivedAt), processedAt: fromDocTime(processedAt) };
}

export function edgeToDoc(edge: CausalEdgeRecord): EdgeDoc {
  if (!hasOnlyKeys(edge, EDGE_KEYS)) return { ...edge, at: toDocTime(edge.at), docRef: docId(edge.id), fromRef: docId(edge.from), toRef: docId(edge.to) };
  return { id: edge.id, from: edge.from, to: edge.to, at: toDocTime(edge.at), via: edge.via, docRef: docId(edge.id), fromRef: docId(edge.from), toRef: docId(edge.to) };
}

export function docToEdge(doc: EdgeDoc): CausalEdgeRecord {
  const { docRef: _docRef, fromRef: _fromRef, toRef: _toRef, at, ...edge } = doc;
  return { ...edge, at: fromDocTime(at) };
}
