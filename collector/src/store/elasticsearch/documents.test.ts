/**
 * The record → document mappers build fixed-shape objects instead of spreading the record. The
 * documents must stay what the spread gave (the mappers as they were, kept below as the reference):
 * the same JSON bytes for records as the decoder and the correlator make them, the same JSON value
 * for any other record (other key order, extra or undefined fields).
 */
import { describe, expect, it } from 'vitest';
import { spanKey, stringAttr, type SpanRecord } from '../../model/span.js';
import { decodeTraceRequest } from '../../otlp/decode.js';
import type { CausalEdgeRecord, DeliveryRecord, EventRecord } from '../store.js';
import { deliveryLatencyMs } from '../topology-math.js';
import { deliveryToDoc, edgeToDoc, eventToDoc, spanToDoc, toDocTime } from './documents.js';
import { docId } from './index-names.js';

/** The mappers as they were before the fixed shapes, as JSON. */
const reference = {
  span(span: SpanRecord): string {
    const doc: Record<string, unknown> = {
      ...span,
      startTime: toDocTime(span.startTime),
      endTime: toDocTime(span.endTime),
      docRef: docId(spanKey(span.traceId, span.spanId)),
      linkedSpanIds: [...new Set(span.links.map((link) => link.spanId))],
    };
    const messageId = stringAttr(span.attributes, 'messaging.message.id');
    if (messageId !== undefined) doc.messageIdRef = docId(messageId);
    return JSON.stringify(doc);
  },
  event: (event: EventRecord): string => JSON.stringify({ ...event, publishedAt: toDocTime(event.publishedAt), docRef: docId(event.id) }),
  delivery: (delivery: DeliveryRecord): string =>
    JSON.stringify({
      ...delivery,
      receivedAt: toDocTime(delivery.receivedAt),
      processedAt: toDocTime(delivery.processedAt),
      docRef: docId(delivery.id),
      eventRef: docId(delivery.eventId),
      latencyMs: deliveryLatencyMs(delivery),
    }),
  edge: (edge: CausalEdgeRecord): string =>
    JSON.stringify({ ...edge, at: toDocTime(edge.at), docRef: docId(edge.id), fromRef: docId(edge.from), toRef: docId(edge.to) }),
};

const spanDocJson = (span: SpanRecord): string => JSON.stringify(spanToDoc(span));
const eventDocJson = (event: EventRecord): string => JSON.stringify(eventToDoc(event));
const deliveryDocJson = (delivery: DeliveryRecord): string => JSON.stringify(deliveryToDoc(delivery));
const edgeDocJson = (edge: CausalEdgeRecord): string => JSON.stringify(edgeToDoc(edge));

const resource = { 'service.name': 'checkout', 'host.name': 'h1', 'service.instance.id': 'ü-1' };

function span(overrides: Partial<SpanRecord> = {}): SpanRecord {
  return {
    traceId: 'a'.repeat(32),
    spanId: 'b'.repeat(16),
    name: 'orders send "quoted" \u2028 ✓',
    kind: 'producer',
    startTime: 1_764_000_000_123.456,
    endTime: 1_764_000_000_125,
    startTimeUnixNano: '1764000000123456000',
    durationMs: 1.544,
    statusCode: 'unset',
    service: 'checkout',
    resource,
    attributes: { 'messaging.message.id': 'm-1', 'messaging.system': 'kafka', nested: { list: [1, 'two', null, true] } },
    links: [
      { traceId: 'c'.repeat(32), spanId: 'd'.repeat(16), attributes: {} },
      { traceId: 'e'.repeat(32), spanId: 'd'.repeat(16), attributes: { n: 1 } },
    ],
    events: [{ name: 'exception', time: 1_764_000_000_124.5, attributes: { 'exception.message': 'boom' } }],
    ...overrides,
  };
}

const event: EventRecord = {
  id: 'm-1',
  producerService: 'checkout',
  traceId: 'a'.repeat(32),
  spanId: 'b'.repeat(16),
  publishedAt: 1_764_000_000_123.456,
  sendDurationMs: 1.5,
  sendError: false,
  attributes: { 'span.name': 'orders send', 'messaging.kafka.partition': 3 },
  type: 'OrderPlaced',
  destination: 'orders',
};

const delivery: DeliveryRecord = {
  id: `m-1|${'f'.repeat(32)}-${'1'.repeat(16)}`,
  eventId: 'm-1',
  service: 'payments',
  outcome: 'ok',
  receivedAt: 1_764_000_000_130.25,
  processedAt: 1_764_000_000_140,
  durationMs: 9.75,
  traceId: 'f'.repeat(32),
  spanId: '1'.repeat(16),
  attributes: { 'causeway.correlation.via': 'message-id' },
  group: 'payments',
  system: 'kafka',
  queueMs: 6.794,
};

const edge: CausalEdgeRecord = { id: 'm-0>m-1', from: 'm-0', to: 'm-1', at: 1_764_000_000_123.456, via: 'attribute' };

describe('record → document mappers', () => {
  it('give spans from the OTLP decoder the same document bytes as the spread', () => {
    const body = JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] },
          scopeSpans: [
            {
              scope: { name: 'lib', version: '1.0' },
              spans: [
                {
                  traceId: 'a'.repeat(32),
                  spanId: 'b'.repeat(16),
                  parentSpanId: 'c'.repeat(16),
                  name: 'send',
                  kind: 4,
                  startTimeUnixNano: '1764000000123456789',
                  endTimeUnixNano: '1764000000200000000',
                  attributes: [{ key: 'messaging.message.id', value: { intValue: '42' } }],
                  status: { code: 2, message: 'failed' },
                },
                { traceId: 'a'.repeat(32), spanId: 'd'.repeat(16), name: 'process', kind: 5, startTimeUnixNano: '1764000000000000000', endTimeUnixNano: '1764000000000000000' },
              ],
            },
          ],
        },
      ],
    });
    const spans = decodeTraceRequest(Buffer.from(body), 'json').spans;
    expect(spans).toHaveLength(2);
    for (const decoded of spans) expect(spanDocJson(decoded)).toBe(reference.span(decoded));
  });

  it('give spans the same document bytes: fractional and whole times, optional fields, duplicate links, hashed ids, non-ASCII', () => {
    const longMessageId = 'ü'.repeat(300);
    const cases = [
      span(),
      span({ startTime: 1_764_000_000_000, endTime: 1_764_000_000_000.001, links: [], events: [] }),
      span({ parentSpanId: '2'.repeat(16), statusCode: 'error', statusMessage: 'no "luck"', scope: { name: 'kafkajs', version: '2.2.4' } }),
      span({ attributes: { 'messaging.message.id': longMessageId } }),
      span({ attributes: { 'messaging.message.id': 17 } }),
      span({ attributes: { 'messaging.message.id': '' } }),
      span({ durationMs: Number.NaN }),
    ];
    for (const record of cases) expect(spanDocJson(record)).toBe(reference.span(record));
  });

  it('give the same JSON value for spans of another shape: other key order, unknown and undefined fields', () => {
    const { traceId, ...rest } = span();
    const reordered = { ...rest, traceId } as SpanRecord;
    const extra = { ...span(), origin: 'older collector' } as SpanRecord;
    const undefinedOptional = span({ parentSpanId: undefined });
    for (const record of [reordered, extra, undefinedOptional]) {
      expect(JSON.parse(spanDocJson(record))).toEqual(JSON.parse(reference.span(record)));
    }
  });

  it('give events, deliveries and edges the same document bytes', () => {
    expect(eventDocJson(event)).toBe(reference.event(event));
    expect(deliveryDocJson(delivery)).toBe(reference.delivery(delivery));
    expect(edgeDocJson(edge)).toBe(reference.edge(edge));
    const { type: _type, destination: _destination, ...bareEvent } = event;
    expect(eventDocJson(bareEvent)).toBe(reference.event(bareEvent));
    const wholeTimes: DeliveryRecord = { ...delivery, receivedAt: 1_764_000_000_130, processedAt: 1_764_000_000_140 };
    expect(deliveryDocJson(wholeTimes)).toBe(reference.delivery(wholeTimes));
  });

  it('give the same JSON value for derived records of another shape', () => {
    const { id, ...rest } = event;
    const cases: Array<[string, string]> = [
      [eventDocJson({ ...rest, id }), reference.event({ ...rest, id })],
      [eventDocJson({ ...event, type: undefined }), reference.event({ ...event, type: undefined })],
      [deliveryDocJson({ ...delivery, extra: [1] } as DeliveryRecord), reference.delivery({ ...delivery, extra: [1] } as DeliveryRecord)],
      [edgeDocJson({ ...edge, docRef: 'stale' } as CausalEdgeRecord), reference.edge({ ...edge, docRef: 'stale' } as CausalEdgeRecord)],
    ];
    for (const [written, expected] of cases) expect(JSON.parse(written)).toEqual(JSON.parse(expected));
  });
});
