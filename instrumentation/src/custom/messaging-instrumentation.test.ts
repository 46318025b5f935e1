/**
 * The custom-broker adapter over a toy in-memory hand-off: span kinds, names, attributes,
 * parenting across "services", causal parent ids, error recording, settlements and hook safety.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { currentEventId } from '../core/event-identity.js';
import { createMessagingInstrumentation } from './index.js';
import type { IncomingDelivery, MessageHeaders } from './types.js';

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
propagation.setGlobalPropagator(new W3CTraceContextPropagator());

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const messaging = createMessagingInstrumentation({ system: 'nats', tracerProvider: provider, serverAddress: 'bus.local', serverPort: 4222 });

const named = (name: string): ReadableSpan[] => exporter.getFinishedSpans().filter((s) => s.name === name);
const only = (name: string): ReadableSpan => {
  const spans = named(name);
  expect(spans, name).toHaveLength(1);
  return spans[0]!;
};

/** What a broker would hand the consumer for headers it carried. */
function deliveryOf(destination: string, headers: MessageHeaders, extra: Partial<IncomingDelivery> = {}): IncomingDelivery {
  return { destination, group: 'billing', headers, body: '{"total":3}', ...extra };
}

beforeEach(() => exporter.reset());

describe('createMessagingInstrumentation', () => {
  it('publishes inside a PRODUCER span and hands send a copy of the headers with context and an event id', () => {
    const userHeaders = { 'causeway-event-type': 'OrderPlaced' };
    const sent = messaging.publish('orders', { headers: userHeaders, body: '{"id":1}' }, (publish) => publish);

    expect(userHeaders).toEqual({ 'causeway-event-type': 'OrderPlaced' });
    const span = only('send orders');
    expect(span.kind).toBe(SpanKind.PRODUCER);
    expect(sent.headers['traceparent']).toContain(span.spanContext().spanId);
    expect(sent.headers['causeway-event-id']).toBe(sent.eventId);
    expect(span.attributes).toMatchObject({
      'messaging.system': 'nats',
      'messaging.operation.type': 'send',
      'messaging.destination.name': 'orders',
      'messaging.message.id': sent.eventId,
      'messaging.message.body.size': 8,
      'causeway.event.type': 'OrderPlaced',
      'server.address': 'bus.local',
      'server.port': 4222,
    });
    expect(span.attributes['causeway.event.parent_id']).toBeUndefined();
  });

  it('uses the caller id as the event id, and keeps an event id already in the headers (a republish)', () => {
    const withId = messaging.publish('orders', { id: 'native-42' }, (p) => p);
    expect(withId.eventId).toBe('native-42');
    const republished = messaging.publish('orders.dlq', { headers: { 'causeway-event-id': 'evt-1' }, id: 'other' }, (p) => p);
    expect(republished.eventId).toBe('evt-1');
    expect(named('send orders.dlq')[0]?.attributes['messaging.message.id']).toBe('evt-1');
  });

  it('runs the handler in a CONSUMER span that is a child of the producer span, and links what it publishes as caused by it', async () => {
    const sent = messaging.publish('orders', { headers: { 'causeway-event-type': 'OrderPlaced' } }, (p) => p);
    const delivery = deliveryOf('orders', sent.headers, { attempt: 1, redelivered: false, publishedAtMs: Date.now() - 5 });
    let inHandler: { eventId?: string; spanId?: string } = {};
    const child = await messaging.process(delivery, async () => {
      inHandler = { eventId: currentEventId(), spanId: trace.getActiveSpan()?.spanContext().spanId };
      return messaging.publish('payments', { headers: { 'causeway-event-type': 'PaymentAuthorized' } }, (p) => p);
    });

    const send = only('send orders');
    const processSpan = only('process orders');
    expect(processSpan.kind).toBe(SpanKind.CONSUMER);
    expect(processSpan.spanContext().traceId).toBe(send.spanContext().traceId);
    expect(processSpan.parentSpanContext?.spanId).toBe(send.spanContext().spanId);
    expect(processSpan.attributes).toMatchObject({
      'messaging.operation.type': 'process',
      'messaging.consumer.group.name': 'billing',
      'messaging.message.id': sent.eventId,
      'causeway.event.type': 'OrderPlaced',
      'causeway.message.redelivered': false,
      'causeway.message.delivery_attempt': 1,
    });
    expect(processSpan.attributes['causeway.message.time_in_queue_ms']).toBeGreaterThanOrEqual(0);
    expect(inHandler).toEqual({ eventId: sent.eventId, spanId: processSpan.spanContext().spanId });

    const paymentSend = only('send payments');
    expect(paymentSend.parentSpanContext?.spanId).toBe(processSpan.spanContext().spanId);
    expect(paymentSend.attributes['causeway.event.parent_id']).toBe(sent.eventId);
    expect(child.headers['causeway-event-id']).not.toBe(sent.eventId);
  });

  it('records a handler error on the process span and rethrows it unchanged', async () => {
    const sent = messaging.publish('orders', {}, (p) => p);
    const failure = new RangeError('card declined');
    await expect(messaging.process(deliveryOf('orders', sent.headers), () => Promise.reject(failure))).rejects.toBe(failure);
    const span = only('process orders');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe('RangeError');
    expect(span.events.some((e) => e.name === 'exception')).toBe(true);
  });

  it('ends the send span when an async send settles, failed when it rejects', async () => {
    const refused = new Error('broker unavailable');
    await expect(messaging.publish('orders', {}, () => Promise.reject(refused))).rejects.toBe(refused);
    expect(only('send orders').status.code).toBe(SpanStatusCode.ERROR);
    await expect(messaging.publish('audit', {}, async () => 'sent')).resolves.toBe('sent');
    expect(only('send audit').status.code).toBe(SpanStatusCode.UNSET);
  });

  it('settles under the process span, also after the handler returned, with the requeue decision', async () => {
    const sent = messaging.publish('orders', {}, (p) => p);
    const retry = deliveryOf('orders', sent.headers);
    await messaging.process(retry, () => messaging.settle(retry, 'nack', true)).catch(() => undefined);
    const later = deliveryOf('orders', sent.headers, { attempt: 3 });
    await messaging.process(later, () => undefined);
    messaging.settle(later, 'reject');
    messaging.settle(later, 'ack', true);

    const [firstProcess, secondProcess] = named('process orders');
    const nack = only('nack orders');
    const reject = only('reject orders');
    expect(nack.kind).toBe(SpanKind.CLIENT);
    expect(nack.parentSpanContext?.spanId).toBe(firstProcess!.spanContext().spanId);
    expect(nack.attributes).toMatchObject({ 'messaging.operation.type': 'settle', 'messaging.operation.name': 'nack', 'causeway.settle.requeue': true, 'messaging.message.id': sent.eventId });
    expect(reject.parentSpanContext?.spanId).toBe(secondProcess!.spanContext().spanId);
    expect(reject.attributes['causeway.settle.requeue']).toBe(false);
    expect(only('ack orders').attributes['causeway.settle.requeue']).toBe(false);
  });

  it('starts a new root, saying why, when the traceparent is unusable, and uses the native id as the event id', async () => {
    const delivery = deliveryOf('orders', { traceparent: 'not-a-traceparent' }, { id: 'sqs-msg-7' });
    await messaging.process(delivery, () => undefined);
    const span = only('process orders');
    expect(span.parentSpanContext).toBeUndefined();
    expect(span.attributes['causeway.context.dropped_reason']).toBe('traceparent header malformed');
    expect(span.attributes['messaging.message.id']).toBe('sqs-msg-7');
  });

  it('passes the system to the event type hook and survives a hook that throws', async () => {
    const seen: string[] = [];
    const custom = createMessagingInstrumentation({
      system: 'in-house-bus',
      tracerProvider: provider,
      eventType: { resolve: (info) => (seen.push(info.system), info.destination === 'bad' ? (() => { throw new Error('hook bug'); })() : 'FromHook') },
    });
    expect(custom.publish('good', {}, () => 1)).toBe(1);
    expect(custom.publish('bad', {}, () => 2)).toBe(2);
    expect(seen).toEqual(['in-house-bus', 'in-house-bus']);
    expect(only('send good').attributes['causeway.event.type']).toBe('FromHook');
    expect(only('send bad').attributes['causeway.event.type']).toBeUndefined();
  });

  it('reads the event type from a configured JSON body field', () => {
    const custom = createMessagingInstrumentation({ system: 'nats', tracerProvider: provider, eventType: { field: 'kind' } });
    custom.publish('orders', { body: Buffer.from('{"kind":"OrderCancelled"}') }, () => undefined);
    expect(only('send orders').attributes['causeway.event.type']).toBe('OrderCancelled');
  });
});
