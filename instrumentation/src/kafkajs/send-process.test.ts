/**
 * Producer → consumer over the real broker: span shape, parentage, event identity, the user's own
 * headers, and handler errors.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { Kafka, logLevel, type KafkaMessage, type LogEntry } from 'kafkajs';
import { services, uniqueName } from '../../../test/support/services.js';
import { currentEventId } from '../core/event-identity.js';
import { instrumentKafkaJs } from './index.js';
import { KafkaClients, createTopics, eventually, headerString, installTracingGlobals, memoryTracing, plainKafka, spansNamed } from './fixtures/test-kit.js';

installTracingGlobals();
const brokers = services.kafkaBrokers;
const tracing = memoryTracing();
const clients = new KafkaClients();
afterAll(() => clients.closeAll());

function tracedKafka(clientId: string): Kafka {
  return instrumentKafkaJs(plainKafka(brokers, clientId), { tracerProvider: tracing.provider });
}

describe('kafkajs send → eachMessage', () => {
  it('makes one PRODUCER span per message and a CONSUMER child span per delivery, with messaging attributes', async () => {
    const topic = uniqueName('cw-send');
    const group = uniqueName('cw-group');
    await createTopics(brokers, [topic]);
    const kafka = tracedKafka('shop');
    const seen: Array<{ message: KafkaMessage; activeSpanId?: string; eventId?: string }> = [];
    const consumer = await clients.consumer(kafka, group, [topic]);
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push({ message, activeSpanId: trace.getActiveSpan()?.spanContext().spanId, eventId: currentEventId() });
      },
    });

    const producer = await clients.producer(kafka);
    const userHeaders = { 'causeway-event-type': 'OrderPlaced' };
    const messages = [
      { key: 'order-1', value: '{"n":1}', headers: userHeaders },
      { key: Buffer.from([0xff, 0x00, 0x10]), value: '{"n":2}', headers: userHeaders },
    ];
    await producer.send({ topic, messages });
    // The app's objects are not mutated: context goes into copies.
    expect(userHeaders).toEqual({ 'causeway-event-type': 'OrderPlaced' });

    await eventually('both deliveries', () => seen.length === 2 && spansNamed(tracing.spans(), `process ${topic}`).length === 2);
    const sends = spansNamed(tracing.spans(), `send ${topic}`);
    const processes = spansNamed(tracing.spans(), `process ${topic}`);
    expect(sends).toHaveLength(2);

    const eventIds = new Set<string>();
    for (const [index, delivery] of seen.entries()) {
      const eventId = headerString(delivery.message.headers?.['causeway-event-id']);
      expect(eventId).toMatch(/^[0-9a-f-]{36}$/);
      eventIds.add(eventId!);
      const send = sends.find((span) => span.attributes['messaging.message.id'] === eventId)!;
      const processing = processes.find((span) => span.attributes['messaging.message.id'] === eventId)!;
      expect(send.kind).toBe(SpanKind.PRODUCER);
      expect(send.attributes).toMatchObject({
        'messaging.system': 'kafka',
        'messaging.operation.type': 'send',
        'messaging.operation.name': 'send',
        'messaging.destination.name': topic,
        'messaging.destination.partition.id': '0',
        'messaging.kafka.offset': Number(delivery.message.offset),
        'messaging.batch.message_count': 2,
        'causeway.event.type': 'OrderPlaced',
        'server.address': expect.any(String),
        'server.port': expect.any(Number),
      });
      expect(send.attributes['causeway.event.parent_id']).toBeUndefined();

      expect(processing.kind).toBe(SpanKind.CONSUMER);
      expect(processing.spanContext().traceId).toBe(send.spanContext().traceId);
      expect(processing.parentSpanContext?.spanId).toBe(send.spanContext().spanId);
      expect(processing.attributes).toMatchObject({
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.operation.name': 'process',
        'messaging.destination.name': topic,
        'messaging.consumer.group.name': group,
        'messaging.destination.partition.id': '0',
        'messaging.kafka.offset': Number(delivery.message.offset),
        'causeway.message.published_at_ms': Number(delivery.message.timestamp),
        'causeway.event.type': 'OrderPlaced',
        'messaging.client.id': 'shop',
      });
      expect(processing.attributes['causeway.message.time_in_queue_ms']).toBeGreaterThanOrEqual(0);
      expect(processing.attributes['causeway.context.dropped_reason']).toBeUndefined();
      // The handler ran inside the process span, with the message's event id current.
      expect(delivery.activeSpanId).toBe(processing.spanContext().spanId);
      expect(delivery.eventId).toBe(eventId);
      expect(index).toBeLessThan(2);
    }
    expect(eventIds.size).toBe(2);
    // Text keys are recorded, binary keys are not.
    const keyed = sends.filter((span) => span.attributes['messaging.kafka.message.key'] !== undefined);
    expect(keyed.map((span) => span.attributes['messaging.kafka.message.key'])).toEqual(['order-1']);
  });

  it('records the consumed event as causeway.event.parent_id of a message published from its handler', async () => {
    const orders = uniqueName('cw-orders');
    const payments = uniqueName('cw-payments');
    await createTopics(brokers, [orders, payments]);
    const orderService = tracedKafka('orders');
    const paymentService = tracedKafka('payments');

    const paymentProducer = await clients.producer(paymentService);
    const paymentConsumer = await clients.consumer(paymentService, uniqueName('cw-pay'), [orders]);
    await paymentConsumer.run({
      eachMessage: async () => {
        await paymentProducer.send({ topic: payments, messages: [{ value: 'charged' }] });
      },
    });
    const paymentsSeen: KafkaMessage[] = [];
    const shippingConsumer = await clients.consumer(tracedKafka('shipping'), uniqueName('cw-ship'), [payments]);
    await shippingConsumer.run({ eachMessage: async ({ message }) => void paymentsSeen.push(message) });

    const orderProducer = await clients.producer(orderService);
    await orderProducer.send({ topic: orders, messages: [{ value: 'order' }] });

    await eventually('payment processed', () => spansNamed(tracing.spans(), `process ${payments}`).length === 1);
    const orderSend = spansNamed(tracing.spans(), `send ${orders}`)[0]!;
    const orderProcess = spansNamed(tracing.spans(), `process ${orders}`)[0]!;
    const paymentSend = spansNamed(tracing.spans(), `send ${payments}`)[0]!;
    const paymentProcess = spansNamed(tracing.spans(), `process ${payments}`)[0]!;

    const orderEventId = orderSend.attributes['messaging.message.id'];
    expect(orderProcess.attributes['messaging.message.id']).toBe(orderEventId);
    expect(paymentSend.attributes['causeway.event.parent_id']).toBe(orderEventId);
    expect(paymentSend.parentSpanContext?.spanId).toBe(orderProcess.spanContext().spanId);
    expect(paymentProcess.parentSpanContext?.spanId).toBe(paymentSend.spanContext().spanId);
    expect(paymentProcess.spanContext().traceId).toBe(orderSend.spanContext().traceId);
    expect(headerString(paymentsSeen[0]?.headers?.['causeway-event-id'])).toBe(paymentSend.attributes['messaging.message.id']);
  });

  it('keeps a traceparent and event id the user set, and parents the consumer on the user context', async () => {
    const topic = uniqueName('cw-user-ctx');
    await createTopics(brokers, [topic]);
    const kafka = tracedKafka('user-ctx');
    const seen: KafkaMessage[] = [];
    const consumer = await clients.consumer(kafka, uniqueName('cw-group'), [topic]);
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(message) });

    const userTraceId = '0af7651916cd43dd8448eb211c80319c';
    const userSpanId = 'b7ad6b7169203331';
    const traceparent = `00-${userTraceId}-${userSpanId}-01`;
    const producer = await clients.producer(kafka);
    await producer.send({ topic, messages: [{ value: 'x', headers: { traceparent, 'causeway-event-id': 'evt-user-1' } }] });

    await eventually('delivery', () => seen.length === 1 && spansNamed(tracing.spans(), `process ${topic}`).length === 1);
    const headers = seen[0]!.headers ?? {};
    expect(headerString(headers.traceparent)).toBe(traceparent);
    expect(headerString(headers['causeway-event-id'])).toBe('evt-user-1');
    expect(headers.tracestate).toBeUndefined();
    const send = spansNamed(tracing.spans(), `send ${topic}`)[0]!;
    expect(send.attributes['messaging.message.id']).toBe('evt-user-1');
    const processing = spansNamed(tracing.spans(), `process ${topic}`)[0]!;
    expect(processing.spanContext().traceId).toBe(userTraceId);
    expect(processing.parentSpanContext?.spanId).toBe(userSpanId);
    expect(processing.attributes['messaging.message.id']).toBe('evt-user-1');
  });

  it('records a handler error on the process span and hands kafkajs the very same error', async () => {
    class PaymentDeclined extends Error {}
    const thrown = new PaymentDeclined('card declined');
    const logged: unknown[] = [];
    const topic = uniqueName('cw-error');
    await createTopics(brokers, [topic]);
    const kafka = instrumentKafkaJs(
      new Kafka({
        clientId: 'erroring',
        brokers,
        logLevel: logLevel.ERROR,
        logCreator: () => (entry: LogEntry) => void logged.push(entry.log.error),
      }),
      { tracerProvider: tracing.provider },
    );
    let attempts = 0;
    const consumer = await clients.consumer(kafka, uniqueName('cw-group'), [topic]);
    await consumer.run({
      eachMessage: async () => {
        attempts++;
        if (attempts === 1) throw thrown; // kafkajs retries the message; the second attempt succeeds
      },
    });
    const producer = await clients.producer(tracedKafka('error-producer'));
    await producer.send({ topic, messages: [{ value: 'pay' }] });

    await eventually('retried delivery', () => spansNamed(tracing.spans(), `process ${topic}`).length === 2);
    expect(logged).toContain(thrown);
    const [failed, retried] = spansNamed(tracing.spans(), `process ${topic}`);
    expect(failed!.status).toMatchObject({ code: SpanStatusCode.ERROR, message: 'card declined' });
    expect(failed!.attributes['error.type']).toBe('PaymentDeclined');
    expect(failed!.events.some((event) => event.name === 'exception')).toBe(true);
    expect(retried!.status.code).toBe(SpanStatusCode.UNSET);
    expect(retried!.attributes['messaging.message.id']).toBe(failed!.attributes['messaging.message.id']);
  });

  it('is idempotent: instrumenting a client twice still yields one span and one event id per message', async () => {
    const topic = uniqueName('cw-twice');
    await createTopics(brokers, [topic]);
    const raw = plainKafka(brokers, 'twice');
    const once = instrumentKafkaJs(raw, { tracerProvider: tracing.provider });
    expect(instrumentKafkaJs(once, { tracerProvider: tracing.provider })).toBe(raw);
    const producer = await clients.producer(once);
    await producer.send({ topic, messages: [{ value: 'only once' }] });
    expect(spansNamed(tracing.spans(), `send ${topic}`)).toHaveLength(1);
  });
});
