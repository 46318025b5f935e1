/**
 * Records ⇄ Elasticsearch documents. A document is the record as-is (so `_source` round-trips it
 * exactly) plus a few derived, indexed fields the queries need; reading strips those again.
 */
import type { SpanRecord } from '../../model/span.js';
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

export function spanToDoc(span: SpanRecord): SpanDoc {
  const doc: SpanDoc = {
    ...span,
    startTime: toDocTime(span.startTime),
    endTime: toDocTime(span.endTime),
    docRef: spanDocId(span.traceId, span.spanId),
    linkedSpanIds: [...new Set(span.links.map((link) => link.spanId))],
  };
  const messageId = stringAttr(span.attributes, 'messaging.message.id');
  if (messageId !== undefined) doc.messageIdRef = docId(messageId);
  return doc;
}

export function docToSpan(doc: SpanDoc): SpanRecord {
  const { docRef: _docRef, linkedSpanIds: _linked, messageIdRef: _messageIdRef, startTime, endTime, ...span } = doc;
  return { ...span, startTime: fromDocTime(startTime), endTime: fromDocTime(endTime) };
}

export function eventToDoc(event: EventRecord): EventDoc {
  return { ...event, publishedAt: toDocTime(event.publishedAt), docRef: docId(event.id) };
}

export function docToEvent(doc: EventDoc): EventRecord {
  const { docRef: _docRef, publishedAt, ...event } = doc;
  return { ...event, publishedAt: fromDocTime(publishedAt) };
}

export function deliveryToDoc(delivery: DeliveryRecord): DeliveryDoc {
  return {
    ...delivery,
    receivedAt: toDocTime(delivery.receivedAt),
    processedAt: toDocTime(delivery.processedAt),
    docRef: docId(delivery.id),
    eventRef: docId(delivery.eventId),
    latencyMs: deliveryLatencyMs(delivery),
  };
}

export function docToDelivery(doc: DeliveryDoc): DeliveryRecord {
  const { docRef: _docRef, eventRef: _eventRef, latencyMs: _latencyMs, receivedAt, processedAt, ...delivery } = doc;
  return { ...delivery, receivedAt: fromDocTime(receivedAt), processedAt: fromDocTime(processedAt) };
}

export function edgeToDoc(edge: CausalEdgeRecord): EdgeDoc {
  return { ...edge, at: toDocTime(edge.at), docRef: docId(edge.id), fromRef: docId(edge.from), toRef: docId(edge.to) };
}

export function docToEdge(doc: EdgeDoc): CausalEdgeRecord {
  const { docRef: _docRef, fromRef: _fromRef, toRef: _toRef, at, ...edge } = doc;
  return { ...edge, at: fromDocTime(at) };
}
