/** eachBatch (per-message spans, links, runWithMessageContext, resolveOffset) and transactional sends. */
import { afterAll, describe, expect, it } from 'vitest';
import { SpanStatusCode } from '@opentelemetry/api';
import { Kafka, logLevel, type KafkaMessage, type LogEntry } from 'kafkajs';
import { services, uniqueName } from '../../../test/support/services.js';
import { runWithMessageContext } from '../core/message-context.js';
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

describe('kafkajs eachBatch', () => {
  it('gives each message its own process span, parented by and linked to its send span', async () => {
    const input = uniqueName('cw-batch-in');
    const output = uniqueName('cw-batch-out');
    await createTopics(brokers, [input, output]);
    const kafka = tracedKafka('batcher');
    const producer = await clients.producer(kafka);
    await producer.send({ topic: input, messages: [{ value: 'a' }, { value: 'b' }, { value: 'c' }] });

    const handled: KafkaMessage[] = [];
    const endedWhenResolved: number[] = [];
    const consumer = await clients.consumer(kafka, uniqueName('cw-group'), [input]);
    await consumer.run({
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset }) => {
        for (const message of batch.messages) {
          await runWithMessageContext(message, () => producer.send({ topic: output, messages: [{ value: `from ${message.value}` }] }));
          const before = spansNamed(tracing.spans(), `process ${input}`).length;
          resolveOffset(message.offset);
          // resolveOffset ends that message's span right away, not at the end of the batch.
          endedWhenResolved.push(spansNamed(tracing.spans(), `process ${input}`).length - before);
          handled.push(message);
        }
      },
    });

    await eventually('three handled messages', () => handled.length === 3 && spansNamed(tracing.spans(), `send ${output}`).length === 3);
    expect(endedWhenResolved).toEqual([1, 1, 1]);
    const sends = spansNamed(tracing.spans(), `send ${input}`);
    const processes = spansNamed(tracing.spans(), `process ${input}`);
    const followUps = spansNamed(tracing.spans(), `send ${output}`);
    expect(processes).toHaveLength(3);

    for (const message of handled) {
      const eventId = headerString(message.headers?.['causeway-event-id']);
      const send = sends.find((span) => span.attributes['messaging.message.id'] === eventId)!;
      const processing = processes.find((span) => span.attributes['messaging.message.id'] === eventId)!;
      expect(processing.parentSpanContext?.spanId).toBe(send.spanContext().spanId);
      expect(processing.links.map((link) => link.context.spanId)).toEqual([send.spanContext().spanId]);
      expect(processing.attributes['messaging.kafka.offset']).toBe(Number(message.offset));
      // What the handler published for this message names it as the cause and is a child of its span.
      const followUp = followUps.find((span) => span.attributes['causeway.event.parent_id'] === eventId);
      expect(followUp?.parentSpanContext?.spanId).toBe(processing.spanContext().spanId);
    }
  });

  it('fails the spans of messages not yet resolved when the batch handler throws, and rethrows', async () => {
    const topic = uniqueName('cw-batch-err');
    await createTopics(brokers, [topic]);
    const thrown = new RangeError('bad message');
    const logged: unknown[] = [];
    const kafka = instrumentKafkaJs(
      new Kafka({ clientId: 'batch-err', brokers, logLevel: logLevel.ERROR, logCreator: () => (entry: LogEntry) => void logged.push(entry.log.error) }),
      { tracerProvider: tracing.provider },
    );
    const producer = await clients.producer(kafka);
    await producer.send({ topic, messages: [{ value: 'ok' }, { value: 'bad' }] });

    let calls = 0;
    const consumer = await clients.consumer(kafka, uniqueName('cw-group'), [topic]);
    await consumer.run({
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset }) => {
        calls++;
        if (calls > 1) return; // accept the redelivery, whenever kafkajs retries
        const [first] = batch.messages;
        if (first) resolveOffset(first.offset);
        throw thrown;
      },
    });

    await eventually('a failed batch', () => spansNamed(tracing.spans(), `process ${topic}`).some((span) => span.status.code === SpanStatusCode.ERROR));
    await eventually('kafkajs to see the error', () => logged.includes(thrown));
    const firstAttempt = spansNamed(tracing.spans(), `process ${topic}`).slice(0, 2);
    expect(firstAttempt.map((span) => span.attributes['messaging.kafka.offset'])).toEqual([0, 1]);
    expect(firstAttempt[0]!.status.code).toBe(SpanStatusCode.UNSET);
    expect(firstAttempt[1]!.status.code).toBe(SpanStatusCode.ERROR);
    expect(firstAttempt[1]!.attributes['error.type']).toBe('RangeError');
  });
});

describe('kafkajs transactions', () => {
  it('traces transaction.send and a multi-topic transaction.sendBatch message by message', async () => {
    const first = uniqueName('cw-txn-a');
    const second = uniqueName('cw-txn-b');
    await createTopics(brokers, [first, second]);
    const kafka = tracedKafka('txn');
    const producer = await clients.producer(kafka, { transactionalId: uniqueName('cw-txn'), idempotent: true, maxInFlightRequests: 1 });
    const transaction = await producer.transaction();
    await transaction.send({ topic: first, messages: [{ value: 'one' }] });
    await transaction.sendBatch({ topicMessages: [{ topic: first, messages: [{ value: 'two' }, { value: 'three' }] }, { topic: second, messages: [{ value: 'four' }] }] });
    await transaction.commit();

    const consumed: KafkaMessage[] = [];
    const consumer = await clients.consumer(kafka, uniqueName('cw-group'), [first, second]);
    await consumer.run({ eachMessage: async ({ message }) => void consumed.push(message) });
    await eventually('four committed messages', () => consumed.length === 4 && spansNamed(tracing.spans(), `process ${first}`).length + spansNamed(tracing.spans(), `process ${second}`).length === 4);

    const sends = [...spansNamed(tracing.spans(), `send ${first}`), ...spansNamed(tracing.spans(), `send ${second}`)];
    expect(sends).toHaveLength(4);
    expect(new Set(sends.map((span) => span.attributes['messaging.message.id'])).size).toBe(4);
    expect(sends.filter((span) => span.attributes['messaging.batch.message_count'] === 3)).toHaveLength(3);
    const processes = [...spansNamed(tracing.spans(), `process ${first}`), ...spansNamed(tracing.spans(), `process ${second}`)];
    for (const processing of processes) {
      const send = sends.find((span) => span.attributes['messaging.message.id'] === processing.attributes['messaging.message.id']);
      expect(processing.parentSpanContext?.spanId).toBe(send?.spanContext().spanId);
    }
  });
});
