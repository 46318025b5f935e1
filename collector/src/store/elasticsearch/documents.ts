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

export interface SpanDoc extends SpanRecord, DocBase {
  linkedSpanIds: string[];
  messageIdRef?: string;
}
export interface EventDoc extends EventRecord, DocBase {}
export interface DeliveryDoc extends DeliveryRecord, DocBase {
  eventRef: string;
  latencyMs: number;
}
export interface EdgeDoc extends CausalEdgeRecord, DocBase {
  fromRef: string;
  toRef: string;
}

export function spanDocId(traceId: string, spanId: string): string {
  return docId(spanKey(traceId, spanId));
}

export function spanToDoc(span: SpanRecord): SpanDoc {
  const doc: SpanDoc = {
    ...span,
    docRef: spanDocId(span.traceId, span.spanId),
    linkedSpanIds: [...new Set(span.links.map((link) => link.spanId))],
  };
  const messageId = stringAttr(span.attributes, 'messaging.message.id');
  if (messageId !== undefined) doc.messageIdRef = docId(messageId);
  return doc;
}

export function docToSpan(doc: SpanDoc): SpanRecord {
  const { docRef: _docRef, linkedSpanIds: _linked, messageIdRef: _messageIdRef, ...span } = doc;
  return span;
}

export function eventToDoc(event: EventRecord): EventDoc {
  return { ...event, docRef: docId(event.id) };
}

export function docToEvent(doc: EventDoc): EventRecord {
  const { docRef: _docRef, ...event } = doc;
  return event;
}

export function deliveryToDoc(delivery: DeliveryRecord): DeliveryDoc {
  return { ...delivery, docRef: docId(delivery.id), eventRef: docId(delivery.eventId), latencyMs: deliveryLatencyMs(delivery) };
}

export function docToDelivery(doc: DeliveryDoc): DeliveryRecord {
  const { docRef: _docRef, eventRef: _eventRef, latencyMs: _latencyMs, ...delivery } = doc;
  return delivery;
}

export function edgeToDoc(edge: CausalEdgeRecord): EdgeDoc {
  return { ...edge, docRef: docId(edge.id), fromRef: docId(edge.from), toRef: docId(edge.to) };
}

export function docToEdge(doc: EdgeDoc): CausalEdgeRecord {
  const { docRef: _docRef, fromRef: _fromRef, toRef: _toRef, ...edge } = doc;
  return edge;
}
