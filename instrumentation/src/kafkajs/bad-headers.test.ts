/**
 * Hostile or broken input never breaks the app: malformed trace context on consumed messages makes
 * the process span a new root that says why, and kafkajs's own errors reach the caller unchanged.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { SpanStatusCode } from '@opentelemetry/api';
import type { IHeaders, Message } from 'kafkajs';
import { services, uniqueName } from '../../../test/support/services.js';
import { instrumentKafkaJs } from './index.js';
import { KafkaClients, createTopics, eventually, installTracingGlobals, memoryTracing, plainKafka, spansNamed } from './fixtures/test-kit.js';

installTracingGlobals();
const brokers = services.kafkaBrokers;
const tracing = memoryTracing();
const clients = new KafkaClients();
afterAll(() => clients.closeAll());

const VALID_TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

const cases: Array<{ name: string; headers: IHeaders; reason: string }> = [
  { name: 'garbage string', headers: { traceparent: 'definitely not a traceparent' }, reason: 'traceparent header malformed' },
  { name: 'oversized 100 KB buffer', headers: { traceparent: Buffer.alloc(100 * 1024, 'a') }, reason: 'traceparent header oversized' },
  { name: 'number-ish value', headers: { traceparent: '4242' }, reason: 'traceparent header malformed' },
  { name: 'repeated header with a bad first value', headers: { traceparent: [Buffer.from('garbage'), Buffer.from(VALID_TRACEPARENT)] }, reason: 'traceparent header malformed' },
];

describe('kafkajs consumer with malformed trace context', () => {
  it('processes every message, each as a new root recording causeway.context.dropped_reason', async () => {
    const topic = uniqueName('cw-bad-headers');
    await createTopics(brokers, [topic]);
    // Produced by an uninstrumented client: the headers arrive exactly as written.
    const rawProducer = await clients.producer(plainKafka(brokers, 'hostile-producer'));
    const messages: Message[] = cases.map((testCase) => ({ value: testCase.name, headers: testCase.headers }));
    messages.push({ value: 'oversized event id', headers: { traceparent: VALID_TRACEPARENT, 'causeway-event-id': Buffer.alloc(20_000, 'e') } });
    await rawProducer.send({ topic, messages });

    const handled: string[] = [];
    const consumer = await clients.consumer(instrumentKafkaJs(plainKafka(brokers, 'victim'), { tracerProvider: tracing.provider }), uniqueName('cw-group'), [topic]);
    await consumer.run({ eachMessage: async ({ message }) => void handled.push(String(message.value)) });

    await eventually('all messages handled', () => handled.length === messages.length && spansNamed(tracing.spans(), `process ${topic}`).length === messages.length);
    expect(handled).toEqual(messages.map((message) => message.value));
    const processes = spansNamed(tracing.spans(), `process ${topic}`);
    for (const [index, testCase] of cases.entries()) {
      const span = processes[index]!;
      expect(span.parentSpanContext, testCase.name).toBeUndefined();
      expect(span.attributes['causeway.context.dropped_reason'], testCase.name).toBe(testCase.reason);
      expect(span.status.code).toBe(SpanStatusCode.UNSET);
    }
    // A usable traceparent with an unusable event id: context kept, event id left off.
    const last = processes[cases.length]!;
    expect(last.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(last.attributes['messaging.message.id']).toBeUndefined();
    expect(last.attributes['causeway.context.dropped_reason']).toBeUndefined();
  });
});

describe('kafkajs producer errors', () => {
  it('passes kafkajs validation errors through unchanged and marks the send span failed', async () => {
    const topic = uniqueName('cw-invalid');
    const producer = await clients.producer(instrumentKafkaJs(plainKafka(brokers, 'careless'), { tracerProvider: tracing.provider }));
    const withoutValue = { key: 'k' } as unknown as Message;
    await expect(producer.send({ topic, messages: [withoutValue] })).rejects.toThrow(/Invalid message without value/);
    const [span] = spansNamed(tracing.spans(), `send ${topic}`);
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(span?.attributes['error.type']).toBe('KafkaJSNonRetriableError');
  });
});
