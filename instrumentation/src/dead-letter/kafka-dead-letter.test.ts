/**
 * Dead letters over the real Kafka broker: a failing consumer's process span, Causeway's retry /
 * dead-letter helper across two hops, Spring- and Connect-style headers written by a plain
 * producer, and payload redaction on the wire's way in.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { EachMessagePayload, KafkaMessage } from 'kafkajs';
import { services, uniqueName } from '../../../test/support/services.js';
import { errorFingerprint } from '../core/fingerprint.js';
import { instrumentKafkaJs } from '../kafkajs/index.js';
import { KafkaClients, createTopics, eventually, headerString, installTracingGlobals, memoryTracing, plainKafka, spansNamed } from '../kafkajs/fixtures/test-kit.js';
import { sendKafkaDeadLetter } from './index.js';

installTracingGlobals();
const brokers = services.kafkaBrokers;
const tracing = memoryTracing();
const clients = new KafkaClients();
afterAll(() => clients.closeAll());

const traced = (clientId: string, capturePayload?: boolean) =>
  instrumentKafkaJs(plainKafka(brokers, clientId), { tracerProvider: tracing.provider, ...(capturePayload ? { capturePayload } : {}) });

class OrderRejected extends Error {
  override name = 'OrderRejected';
}

const int32 = (value: number): Buffer => Buffer.from([value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff]);
const int64 = (value: bigint): Buffer => {
  const buffer = Buffer.alloc(8);
  buffer.writeBigInt64BE(value);
  return buffer;
};

function byId(spans: ReadableSpan[], spanId: string | undefined): ReadableSpan | undefined {
  return spans.find((span) => span.spanContext().spanId === spanId);
}

describe('kafkajs consumer failures', () => {
  it('records type, message, stack, attempt and fingerprint; kafkajs in-place retries count up', async () => {
    const topic = uniqueName('cw-dl-fail');
    await createTopics(brokers, [topic]);
    let calls = 0;
    const consumer = await clients.consumer(traced('dl-fail'), uniqueName('cw-g'), [topic]);
    await consumer.run({
      eachMessage: async () => {
        calls++;
        if (calls === 1) throw new OrderRejected('order 4411 rejected: stock 0');
      },
    });
    await (await clients.producer(traced('dl-fail-producer'))).send({ topic, messages: [{ value: '{"id":4411}' }] });

    await eventually('retried delivery', () => spansNamed(tracing.spans(), `process ${topic}`).length === 2);
    const [failed, retried] = spansNamed(tracing.spans(), `process ${topic}`);
    expect(failed!.status.code).toBe(SpanStatusCode.ERROR);
    expect(failed!.attributes).toMatchObject({
      'error.type': 'OrderRejected',
      'causeway.message.delivery_attempt': 1,
      'causeway.error.fingerprint': errorFingerprint('OrderRejected', 'order 4411 rejected: stock 0'),
    });
    const exception = failed!.events.find((event) => event.name === 'exception');
    expect(exception?.attributes).toMatchObject({ 'exception.message': 'order 4411 rejected: stock 0' });
    expect(String(exception?.attributes?.['exception.stacktrace'])).toContain('kafka-dead-letter.test.ts');
    expect(retried!.attributes['causeway.message.delivery_attempt']).toBe(2);
    expect(retried!.attributes['causeway.error.fingerprint']).toBeUndefined();
  });
});

describe('sendKafkaDeadLetter', () => {
  it('retries then dead-letters with provenance, attempts growing, and the DLT consumer continues the original trace', async () => {
    const orders = uniqueName('cw-dl-orders');
    const retry = `${orders}.retry`;
    const dlt = `${orders}.DLT`;
    await createTopics(brokers, [orders, retry, dlt]);
    const group = uniqueName('cw-billing');
    const billing = traced('billing');
    const producer = await clients.producer(billing);
    const consumer = await clients.consumer(billing, group, [orders, retry]);
    await consumer.run({
      eachMessage: async (payload: EachMessagePayload) => {
        const id = JSON.parse(payload.message.value!.toString()).id as number;
        // The handler catches and routes the failure itself, as retry-topic setups do.
        const error = new OrderRejected(`order ${id} rejected on ${payload.topic === orders ? 'first' : 'second'} try`);
        const first = payload.topic === orders;
        await sendKafkaDeadLetter(producer, { topic: first ? retry : dlt, from: payload, error, kind: first ? 'retry' : 'dead-letter' });
      },
    });
    const dead: KafkaMessage[] = [];
    const dltReader = await clients.consumer(traced('dlt-reader'), uniqueName('cw-dlt-reader'), [dlt]);
    await dltReader.run({ eachMessage: async ({ message }) => void dead.push(message) });

    await (await clients.producer(traced('shop'))).send({ topic: orders, messages: [{ key: 'k-1', value: '{"id":99}', headers: { 'causeway-event-type': 'OrderPlaced' } }] });
    await eventually('dead letter consumed', () => dead.length === 1 && spansNamed(tracing.spans(), `process ${dlt}`).length === 1, 30_000);

    const spans = tracing.spans();
    const originalSend = spansNamed(spans, `send ${orders}`)[0]!;
    const firstFailure = spansNamed(spans, `process ${orders}`)[0]!;
    const retrySend = spansNamed(spans, `send ${retry}`)[0]!;
    const secondFailure = spansNamed(spans, `process ${retry}`)[0]!;
    const dltSend = spansNamed(spans, `send ${dlt}`)[0]!;
    const dltProcess = spansNamed(spans, `process ${dlt}`)[0]!;
    const eventId = originalSend.attributes['messaging.message.id'];

    // One trace, one causal chain: send → failed process → retry send → failed process → DLT send → DLT process.
    expect(new Set([firstFailure, retrySend, secondFailure, dltSend, dltProcess].map((span) => span.spanContext().traceId))).toEqual(new Set([originalSend.spanContext().traceId]));
    expect(firstFailure.parentSpanContext?.spanId).toBe(originalSend.spanContext().spanId);
    expect(retrySend.parentSpanContext?.spanId).toBe(firstFailure.spanContext().spanId);
    expect(secondFailure.parentSpanContext?.spanId).toBe(retrySend.spanContext().spanId);
    expect(dltSend.parentSpanContext?.spanId).toBe(secondFailure.spanContext().spanId);
    expect(byId(spans, dltProcess.parentSpanContext?.spanId)).toBe(dltSend);
    // The copy is the same event; publishing it is not a new effect of it.
    for (const span of [retrySend, secondFailure, dltSend, dltProcess]) expect(span.attributes['messaging.message.id']).toBe(eventId);
    expect(dltSend.attributes['causeway.event.parent_id']).toBeUndefined();
    expect(dltProcess.attributes['causeway.event.type']).toBe('OrderPlaced');

    // The handler caught the error; the helper still marked both process spans failed.
    expect(firstFailure.status.code).toBe(SpanStatusCode.ERROR);
    expect(firstFailure.attributes['causeway.error.fingerprint']).toBe(errorFingerprint('OrderRejected', 'order 99 rejected on first try'));
    expect(secondFailure.attributes['causeway.message.delivery_attempt']).toBe(2);
    expect(secondFailure.attributes['causeway.dead_letter.attempts']).toBe(1);
    // The retry copy says it is one, so the collector records no dead letter for it; the DLT copy is one.
    expect(secondFailure.attributes['causeway.dead_letter.kind']).toBe('retry');
    expect(dltProcess.attributes['causeway.dead_letter.kind']).toBe('dead-letter');

    expect(dltProcess.attributes).toMatchObject({
      'causeway.message.delivery_attempt': 1, // a different group: its own first attempt
      'causeway.dead_letter.convention': 'causeway',
      'causeway.dead_letter.origin.destination': orders,
      'causeway.dead_letter.origin.partition': '0',
      'causeway.dead_letter.origin.offset': 0,
      'causeway.dead_letter.origin.group': group,
      'causeway.dead_letter.attempts': 2,
      'causeway.dead_letter.error.type': 'OrderRejected',
      'causeway.dead_letter.error.message': 'order 99 rejected on second try',
      'causeway.dead_letter.error.fingerprint': errorFingerprint('OrderRejected', 'order 99 rejected on second try'),
      'causeway.dead_letter.original_event_id': eventId,
    });
    const first = Number(dltProcess.attributes['causeway.dead_letter.first_failure_at_ms']);
    const last = Number(dltProcess.attributes['causeway.dead_letter.last_failure_at_ms']);
    expect(first).toBeGreaterThan(0);
    expect(last).toBeGreaterThanOrEqual(first);
    expect(headerString(dead[0]!.key)).toBe('k-1');
    expect(headerString(dead[0]!.headers?.['causeway-dl-error-stacktrace'])).toContain('OrderRejected');
  });
});

describe('dead-letter topics written by other tools', () => {
  it('reads Spring (binary) and Connect (text) headers from a plain producer', async () => {
    const dlt = uniqueName('cw-dl-foreign');
    await createTopics(brokers, [dlt]);
    const seen: KafkaMessage[] = [];
    const reader = await clients.consumer(traced('foreign-reader'), uniqueName('cw-g'), [dlt]);
    await reader.run({ eachMessage: async ({ message }) => void seen.push(message) });
    const plain = await clients.producer(plainKafka(brokers, 'spring-app'));
    await plain.send({
      topic: dlt,
      messages: [
        {
          value: 'spring',
          headers: {
            'kafka_dlt-original-topic': Buffer.from('invoices'),
            'kafka_dlt-original-partition': int32(2),
            'kafka_dlt-original-offset': int64(123456789n),
            'kafka_dlt-original-timestamp': int64(1_700_000_000_000n),
            'kafka_dlt-original-consumer-group': Buffer.from('invoicing'),
            'kafka_dlt-exception-fqcn': Buffer.from('org.springframework.kafka.listener.ListenerExecutionFailedException'),
            'kafka_dlt-exception-cause-fqcn': Buffer.from('java.lang.NullPointerException'),
            'kafka_dlt-exception-message': Buffer.from('invoice 77 has no lines'),
            'kafka_dlt-exception-stacktrace': Buffer.from('java.lang.NullPointerException\n\tat Invoicing.handle'),
          },
        },
        {
          value: 'connect',
          headers: {
            '__connect.errors.topic': 'shipments',
            '__connect.errors.partition': '0',
            '__connect.errors.offset': '12',
            '__connect.errors.connector.name': 'es-sink',
            '__connect.errors.task.id': '1',
            '__connect.errors.stage': 'VALUE_CONVERTER',
            '__connect.errors.class.name': 'org.apache.kafka.connect.json.JsonConverter',
            '__connect.errors.exception.class.name': 'org.apache.kafka.connect.errors.DataException',
            '__connect.errors.exception.message': 'Unknown schema type: 42',
          },
        },
      ],
    });
    await eventually('both consumed', () => spansNamed(tracing.spans(), `process ${dlt}`).length === 2);
    const [spring, connect] = spansNamed(tracing.spans(), `process ${dlt}`);
    expect(spring!.attributes).toMatchObject({
      'causeway.dead_letter.convention': 'spring-kafka',
      'causeway.dead_letter.origin.destination': 'invoices',
      'causeway.dead_letter.origin.partition': '2',
      'causeway.dead_letter.origin.offset': 123456789,
      'causeway.dead_letter.origin.group': 'invoicing',
      'causeway.dead_letter.origin.published_at_ms': 1_700_000_000_000,
      'causeway.dead_letter.error.type': 'java.lang.NullPointerException',
      'causeway.dead_letter.error.fingerprint': errorFingerprint('java.lang.NullPointerException', 'invoice 77 has no lines'),
      'causeway.dead_letter.last_failure_at_ms': Number(seen[0]!.timestamp),
    });
    expect(connect!.attributes).toMatchObject({
      'causeway.dead_letter.convention': 'kafka-connect',
      'causeway.dead_letter.origin.destination': 'shipments',
      'causeway.dead_letter.origin.offset': 12,
      'causeway.dead_letter.connect.connector': 'es-sink',
      'causeway.dead_letter.error.type': 'org.apache.kafka.connect.errors.DataException',
      'causeway.dead_letter.error.fingerprint': errorFingerprint('org.apache.kafka.connect.errors.DataException', 'Unknown schema type: 42'),
    });
  });

  it('consumes messages with malformed dead-letter headers normally', async () => {
    const topic = uniqueName('cw-dl-junk');
    await createTopics(brokers, [topic]);
    let handled = 0;
    const reader = await clients.consumer(traced('junk-reader'), uniqueName('cw-g'), [topic]);
    await reader.run({ eachMessage: async () => void handled++ });
    const junk = { 'kafka_dlt-original-partition': Buffer.from([1, 2, 3]), 'kafka_dlt-original-offset': 'NaN', 'causeway-dl-attempts': Buffer.from([0xff, 0xfe]), '__connect.errors.offset': '-1', 'causeway-dl-origin-destination': Buffer.alloc(0), 'x-death': 'nope' };
    await (await clients.producer(plainKafka(brokers, 'junk'))).send({ topic, messages: [{ value: 'x', headers: junk }] });
    await eventually('handled', () => handled === 1 && spansNamed(tracing.spans(), `process ${topic}`).length === 1);
    expect(spansNamed(tracing.spans(), `process ${topic}`)[0]!.status.code).toBe(SpanStatusCode.UNSET);
  });
});

describe('payload capture on kafkajs spans', () => {
  it('is redacted before it reaches any span, and absent without the option', async () => {
    const topic = uniqueName('cw-dl-payload');
    await createTopics(brokers, [topic]);
    const secret = 'hunter2-secret-zz9';
    const seen: KafkaMessage[] = [];
    const reader = await clients.consumer(traced('payload-reader', true), uniqueName('cw-g'), [topic]);
    await reader.run({ eachMessage: async ({ message }) => void seen.push(message) });
    const producer = await clients.producer(traced('payload-writer'));
    await producer.send({ topic, messages: [{ value: JSON.stringify({ user: { password: secret }, n: 1 }), headers: { authorization: secret } }] });
    await eventually('consumed', () => seen.length === 1 && spansNamed(tracing.spans(), `process ${topic}`).length === 1);
    const processSpan = spansNamed(tracing.spans(), `process ${topic}`)[0]!;
    const sendSpan = spansNamed(tracing.spans(), `send ${topic}`)[0]!;
    expect(JSON.parse(String(processSpan.attributes['causeway.message.payload']))).toEqual({ user: { password: '[REDACTED]' }, n: 1 });
    expect(JSON.stringify(processSpan.attributes)).not.toContain(secret);
    expect(Object.keys(sendSpan.attributes).some((key) => key.startsWith('causeway.message.payload') || key === 'causeway.message.headers')).toBe(false);
  });
});
