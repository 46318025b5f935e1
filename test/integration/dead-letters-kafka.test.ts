/**
 * Dead letters end to end on a real Kafka: a billing consumer that fails a poison order parks it
 * on `<topic>.DLT` with the SDK's helper (provenance headers, the original event id, the trace
 * continued), an inspector reads the DLT, and the collector records the dead letter with its origin,
 * the DLT partition and offset, and redrives it back to the topic through the broker.
 */
import { Kafka, logLevel, type Consumer, type EachMessagePayload, type KafkaMessage, type Producer } from 'kafkajs';
import { instrumentKafkaJs, sendKafkaDeadLetter } from '@causeway/instrumentation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startCollector, type RunningCollector } from '../support/collector.js';
import { serviceTracing, type ServiceTracing } from '../support/service-tracing.js';
import { services, uniqueName } from '../support/services.js';
import { createTopicsWithLeaders } from '../support/kafka-topics.js';

const TOKEN = 'kafka-dead-letter-token';

interface DeadLetterAnswer {
  id: string;
  eventId: string;
  eventType: string | null;
  origin: { destination: string; group: string; service: string | null };
  deadLetter: { destination: string | null; reason: string; convention: string };
  error: { type: string | null; message: string | null };
  attempts: number;
}

class CardDeclined extends Error {
  override name = 'CardDeclined';
}

describe('dead letters over Kafka', () => {
  const orders = uniqueName('cw-dlk-orders');
  const dlt = `${orders}.DLT`;
  const plain = new Kafka({ clientId: 'dlk-admin', brokers: services.kafkaBrokers, logLevel: logLevel.NOTHING });
  const admin = plain.admin();
  let collector: RunningCollector;
  const tracing: ServiceTracing[] = [];
  const producers: Producer[] = [];
  const consumers: Consumer[] = [];

  function client(service: string): Kafka {
    const t = serviceTracing(service, collector.url);
    tracing.push(t);
    return instrumentKafkaJs(new Kafka({ clientId: service, brokers: services.kafkaBrokers, logLevel: logLevel.NOTHING }), { tracerProvider: t.provider });
  }

  async function consume(kafka: Kafka, group: string, topic: string, onMessage: (message: KafkaMessage, payload: EachMessagePayload) => Promise<void>): Promise<void> {
    const consumer = kafka.consumer({ groupId: group, sessionTimeout: 10_000, heartbeatInterval: 500 });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: (payload) => onMessage(payload.message, payload) });
  }

  beforeAll(async () => {
    collector = await startCollector('sqlite', ['--kafka', services.kafkaBrokers.join(','), '--kafka-groups', 'cw-dlk-*', '--admin-token', TOKEN]);
    await admin.connect();
    await createTopicsWithLeaders(admin, [{ topic: orders, numPartitions: 1 }, { topic: dlt, numPartitions: 1 }]);

    const billing = client('billing');
    const billingProducer = billing.producer();
    producers.push(billingProducer);
    await billingProducer.connect();
    await consume(billing, `${orders}-billing`, orders, async (message, payload) => {
      const order = JSON.parse(message.value?.toString() ?? '{}') as { id: string; card: string };
      if (order.card === 'ok') return;
      // The handler catches its failure and parks the message, as DLT setups do.
      await sendKafkaDeadLetter(billingProducer, { topic: dlt, from: payload, error: new CardDeclined(`order ${order.id}: card declined`), groupId: `${orders}-billing` });
    });
    const parked: KafkaMessage[] = [];
    await consume(client('dlt-inspector'), `${orders}-inspector`, dlt, async (message) => void parked.push(message));

    const shop = client('shop').producer();
    producers.push(shop);
    await shop.connect();
    await shop.send({
      topic: orders,
      messages: [
        { key: 'o-1', value: JSON.stringify({ id: 'o-1', card: 'ok' }), headers: { 'causeway-event-type': 'OrderPlaced' } },
        { key: 'o-2', value: JSON.stringify({ id: 'o-2', card: 'stolen' }), headers: { 'causeway-event-type': 'OrderPlaced' } },
      ],
    });
    await eventually('the order parked on the DLT and read there', async () => (parked.length === 1 ? true : undefined), 60_000);
    for (const t of tracing) await t.provider.forceFlush();
  }, 120_000);

  afterAll(async () => {
    await Promise.allSettled(consumers.map((consumer) => consumer.disconnect()));
    await Promise.allSettled(producers.map((producer) => producer.disconnect()));
    for (const t of tracing) await t.shutdown().catch(() => undefined);
    await admin.deleteTopics({ topics: [orders, dlt] }).catch(() => undefined);
    await admin.disconnect();
    await collector?.close();
  });

  it('records the dead letter with its origin, the DLT, the error and the event it was', async () => {
    const record = await eventually('the dead letter with its DLT', async () => {
      await collector.idle();
      const response = await fetch(`${collector.url}/api/deadletters?destination=${encodeURIComponent(orders)}`);
      const { deadLetters } = (await response.json()) as { deadLetters: DeadLetterAnswer[] };
      return deadLetters.find((d) => d.deadLetter.destination === dlt);
    }, 30_000);
    expect(record).toMatchObject({
      eventType: 'OrderPlaced',
      origin: { destination: orders, group: `${orders}-billing`, service: 'billing' },
      deadLetter: { destination: dlt, convention: 'causeway' },
      error: { type: 'CardDeclined', message: 'order o-2: card declined' },
      attempts: 1,
    });
    // The lineage of the original event knows it dead-lettered.
    const event = (await (await fetch(`${collector.url}/api/events/${encodeURIComponent(record.eventId)}`)).json()) as { status: string };
    expect(event.status).toBe('dead-lettered');
    const lineage = (await (await fetch(`${collector.url}/api/events/${encodeURIComponent(record.eventId)}/lineage`)).json()) as { nodes: Array<{ id: string; status: string; deadLetterId?: string | null }> };
    expect(lineage.nodes.find((node) => node.id === record.eventId)).toMatchObject({ status: 'dead-lettered', deadLetterId: record.id });
  });

  it('redrives it back to its topic through the broker, same key and value, same event id', async () => {
    const { deadLetters } = (await (await fetch(`${collector.url}/api/deadletters?destination=${encodeURIComponent(orders)}`)).json()) as { deadLetters: DeadLetterAnswer[] };
    const record = deadLetters.find((d) => d.deadLetter.destination === dlt)!;
    const before = await admin.fetchTopicOffsets(orders);
    const response = await fetch(`${collector.url}/api/deadletters/${encodeURIComponent(record.id)}/redrive`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: '{}',
    });
    expect(response.status).toBe(200);
    const answer = (await response.json()) as { results: Array<{ result: string; target: { destination: string } | null }> };
    expect(answer.results[0]).toMatchObject({ result: 'republished', target: { destination: orders } });

    // Read the one new record on the topic with a plain consumer.
    const reader = plain.consumer({ groupId: uniqueName('cw-dlk-reader') });
    consumers.push(reader);
    await reader.connect();
    await reader.subscribe({ topic: orders, fromBeginning: true });
    const end = Number(before[0]!.high);
    const redriven = await new Promise<KafkaMessage>((resolve, reject) => {
      setTimeout(() => reject(new Error('the redriven order did not arrive')), 30_000);
      void reader.run({ eachMessage: async ({ message }) => void (Number(message.offset) >= end && resolve(message)) });
    });
    expect(redriven.key?.toString()).toBe('o-2');
    expect(JSON.parse(redriven.value?.toString() ?? '{}')).toEqual({ id: 'o-2', card: 'stolen' });
    expect(redriven.headers?.['causeway-event-id']?.toString()).toBe(record.eventId);
  }, 60_000);
});
