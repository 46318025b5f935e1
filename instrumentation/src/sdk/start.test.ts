/**
 * startCauseway owning the SDK: export over OTLP/HTTP, W3C propagation, the double-start guard, and
 * what happens when the collector is down or refuses spans (the app carries on, losses are counted,
 * memory stays bounded by maxQueueSize). Kafka traffic is real; the "collector" is a local receiver.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { propagation } from '@opentelemetry/api';
import type { Kafka } from 'kafkajs';
import { services, uniqueName } from '../../../test/support/services.js';
import { instrumentKafkaJs } from '../kafkajs/index.js';
import { KafkaClients, createTopics, eventually, plainKafka } from '../kafkajs/fixtures/test-kit.js';
import { KIND_CONSUMER, KIND_PRODUCER, startOtlpReceiver, type OtlpReceiver } from '../kafkajs/fixtures/otlp-receiver.js';
import type { CausewayHandle } from '../types.js';
import { registeredTracerProvider } from './existing-provider.js';
import { startCauseway } from './start.js';

const brokers = services.kafkaBrokers;
const clients = new KafkaClients();
let handle: CausewayHandle | undefined;
let receiver: OtlpReceiver | undefined;

afterEach(async () => {
  await clients.closeAll();
  await handle?.shutdown();
  await receiver?.close();
  handle = undefined;
  receiver = undefined;
});

/** Without tracerProvider, spans go to whatever SDK is registered globally: here, Causeway's. */
function globallyTracedKafka(clientId: string): Kafka {
  return instrumentKafkaJs(plainKafka(brokers, clientId));
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('startCauseway with no SDK running', () => {
  it('starts an SDK exporting to <endpoint>/v1/traces with W3C propagation, and guards a second start', async () => {
    receiver = await startOtlpReceiver();
    handle = startCauseway({ serviceName: 'checkout', serviceVersion: '1.4.2', endpoint: `${receiver.url}/` });
    expect(handle.ownsSdk).toBe(true);
    expect(startCauseway({ serviceName: 'another' })).toBe(handle);
    expect(propagation.fields()).toEqual(expect.arrayContaining(['traceparent', 'tracestate', 'baggage']));

    const topic = uniqueName('cw-sdk');
    await createTopics(brokers, [topic]);
    const kafka = globallyTracedKafka('checkout');
    const consumer = await clients.consumer(kafka, uniqueName('cw-group'), [topic]);
    let consumed = 0;
    await consumer.run({ eachMessage: async () => void consumed++ });
    const producer = await clients.producer(kafka);
    const startedAt = Date.now();
    await producer.send({ topic, messages: [{ value: 'paid' }] });
    await eventually('consumption', () => consumed === 1);

    await eventually('exported spans', async () => {
      await handle!.flush();
      return receiver!.spans.filter((span) => span.attributes['messaging.destination.name'] === topic).length === 2;
    });
    const spans = receiver.spans.filter((span) => span.attributes['messaging.destination.name'] === topic);
    const send = spans.find((span) => span.kind === KIND_PRODUCER)!;
    const processing = spans.find((span) => span.kind === KIND_CONSUMER)!;
    expect(send).toMatchObject({ service: 'checkout', serviceVersion: '1.4.2' });
    expect(processing.parentSpanId).toBe(send.spanId);
    // The trace id begins with the time in seconds (time-ordered-ids.ts).
    const startedAtSeconds = Math.floor(startedAt / 1000);
    expect(parseInt(send.traceId.slice(0, 8), 16)).toBeGreaterThanOrEqual(startedAtSeconds);
    expect(parseInt(send.traceId.slice(0, 8), 16)).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    expect(handle.droppedSpans()).toBe(0);

    await handle.shutdown();
    // The globals are handed back, so the next start is a fresh one rather than joining a dead SDK.
    expect(registeredTracerProvider()).toBeUndefined();
  });
});

describe('startCauseway when the collector is unavailable', () => {
  it('keeps the app working with the collector down, holding at most maxQueueSize spans and counting the rest', async () => {
    handle = startCauseway({ serviceName: 'offline', endpoint: `http://127.0.0.1:${await closedPort()}`, maxQueueSize: 5 });
    const topic = uniqueName('cw-down');
    await createTopics(brokers, [topic]);
    const producer = await clients.producer(globallyTracedKafka('offline'));
    const messages = Array.from({ length: 30 }, (_, index) => ({ value: `m${index}` }));
    const sent = await producer.send({ topic, messages });
    expect(sent[0]?.errorCode).toBe(0);
    // The 30 spans ended together: 5 are held for export, the other 25 are dropped on the spot.
    expect(handle.droppedSpans()).toBe(25);
    // The 5 held are lost too once their export fails (after the exporter's retries).
    await handle.flush();
    await eventually('the held spans to fail', () => handle!.droppedSpans() === 30, 30_000);
  });

  it('counts spans the collector refuses', async () => {
    receiver = await startOtlpReceiver(400);
    handle = startCauseway({ serviceName: 'refused', endpoint: receiver.url });
    const topic = uniqueName('cw-refused');
    await createTopics(brokers, [topic]);
    const producer = await clients.producer(globallyTracedKafka('refused'));
    await producer.send({ topic, messages: [{ value: 'a' }, { value: 'b' }, { value: 'c' }] });
    await handle.flush();
    expect(receiver.requests).toBeGreaterThan(0);
    expect(handle.droppedSpans()).toBe(3);
  });
});
