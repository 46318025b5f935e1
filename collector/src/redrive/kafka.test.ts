/**
 * Redrive through a real Kafka: a record on `<topic>.DLT` (Spring-style headers written by a plain
 * producer) is read back at its partition and offset and produced to `<topic>` with the same key and
 * value, the original event id, a new traceparent and the redrive headers.
 */
import { Kafka, logLevel, type Admin, type IHeaders, type KafkaMessage } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { services, uniqueName } from '../../../test/support/services.js';
import type { Store } from '../store/store.js';
import { HEADER_REDRIVE_COUNT, HEADER_REDRIVE_OF } from './headers.js';
import { REDRIVE_GROUP_PREFIX } from './kafka.js';
import { RedriveService } from './service.js';
import { deadLetterRecord, sqliteStoreWith } from './testing/records.js';
import { createTopicsWithLeaders } from '../../../test/support/kafka-topics.js';

const TOPIC = uniqueName('cw-redrive-payments');
const DLT = `${TOPIC}.DLT`;
const READ_GROUP = uniqueName('cw-redrive-check');

const kafka = new Kafka({ clientId: 'redrive-test', brokers: services.kafkaBrokers, logLevel: logLevel.NOTHING });
let admin: Admin;
let store: Store;
let service: RedriveService;
const eventId = uniqueName('evt-kafka');
let record: ReturnType<typeof deadLetterRecord>;
let beyond: ReturnType<typeof deadLetterRecord>;

const text = (value: IHeaders[string]): string | undefined => (value === undefined ? undefined : Array.isArray(value) ? String(value[0]) : String(value));

beforeAll(async () => {
  admin = kafka.admin();
  await admin.connect();
  await createTopicsWithLeaders(admin, [{ topic: TOPIC, numPartitions: 2 }, { topic: DLT, numPartitions: 2 }]);
  const producer = kafka.producer();
  await producer.connect();
  // Another dead letter first, so the wanted one is not at offset 0.
  await producer.send({ topic: DLT, messages: [{ partition: 1, key: 'other', value: 'other' }] });
  const [meta] = await producer.send({
    topic: DLT,
    messages: [
      {
        partition: 1,
        key: 'order-42',
        value: JSON.stringify({ orderId: 42, amount: 10 }),
        headers: {
          'causeway-event-id': eventId,
          'causeway-event-type': 'PaymentRequested',
          traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
          'kafka_dlt-original-topic': TOPIC,
          'kafka_dlt-original-partition': Buffer.from([0, 0, 0, 1]),
          'kafka_dlt-exception-message': 'card declined for order 42',
          tenant: 'acme',
        },
      },
    ],
  });
  await producer.disconnect();
  record = deadLetterRecord({
    eventId,
    system: 'kafka',
    origin: { destination: TOPIC, partition: 1, offset: '7', group: 'payments' },
    deadLetter: { destination: DLT, reason: 'error', convention: 'spring-kafka', partition: 1, offset: meta!.baseOffset! },
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
  });
  beyond = deadLetterRecord({ eventId: uniqueName('evt-beyond'), system: 'kafka', origin: { destination: TOPIC, group: 'payments' }, deadLetter: { destination: DLT, reason: 'error', convention: 'spring-kafka', partition: 0, offset: '999' } });
  store = await sqliteStoreWith([record, beyond]);
  service = new RedriveService({ store, brokers: { kafka: { brokers: services.kafkaBrokers } } });
});

afterAll(async () => {
  await service?.close();
  await store?.close();
  await admin?.deleteGroups([READ_GROUP]).catch(() => undefined);
  await admin?.deleteTopics({ topics: [TOPIC, DLT] }).catch(() => undefined);
  await admin?.disconnect();
});

async function originMessages(count: number, timeoutMs = 30_000): Promise<Array<KafkaMessage & { partition: number }>> {
  const consumer = kafka.consumer({ groupId: READ_GROUP, maxWaitTimeInMs: 200 });
  const seen: Array<KafkaMessage & { partition: number }> = [];
  await consumer.connect();
  await consumer.subscribe({ topics: [TOPIC], fromBeginning: true });
  await consumer.run({ eachMessage: async ({ partition, message }) => void seen.push({ ...message, partition }) });
  const until = Date.now() + timeoutMs;
  while (seen.length < count && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 100));
  await consumer.disconnect();
  return seen;
}

async function originSize(): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(TOPIC);
  return offsets.reduce((sum, entry) => sum + Number(entry.high) - Number(entry.low), 0);
}

describe('redrive from a Kafka dead-letter topic', () => {
  it('dry run names the origin topic and produces nothing', async () => {
    const entry = await service.redriveOne(record.id, { dryRun: true, force: false, actor: 'alice' });
    expect(entry).toMatchObject({ result: 'would-republish', target: { system: 'kafka', destination: TOPIC } });
    expect(await originSize()).toBe(0);
  });

  it('produces the record to its origin topic and partition with the same key and value', async () => {
    const entry = await service.redriveOne(record.id, { dryRun: false, force: false, actor: 'alice' });
    expect(entry).toMatchObject({ result: 'republished', newEventId: eventId, target: { system: 'kafka', destination: TOPIC } });
    const [copy, extra] = await originMessages(1);
    expect(extra).toBeUndefined();
    expect(copy?.partition).toBe(1);
    expect(copy?.key?.toString()).toBe('order-42');
    expect(JSON.parse(copy?.value?.toString() ?? 'null')).toEqual({ orderId: 42, amount: 10 });
    const headers = copy?.headers ?? {};
    expect(text(headers['causeway-event-id'])).toBe(eventId);
    expect(text(headers['causeway-event-type'])).toBe('PaymentRequested');
    expect(text(headers['tenant'])).toBe('acme');
    expect(text(headers[HEADER_REDRIVE_OF])).toBe(record.id);
    expect(text(headers[HEADER_REDRIVE_COUNT])).toBe('1');
    expect(Object.keys(headers).filter((name) => name.startsWith('kafka_dlt-'))).toEqual([]);
    const traceparent = text(headers['traceparent']) ?? '';
    expect(traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
    expect(traceparent).not.toContain(record.traceId);
  });

  it('guards against a second redrive and skips an offset the topic does not hold', async () => {
    const entries = await service.redriveMany({ from: 0, to: Date.now() + 1000, destination: TOPIC }, { dryRun: false, force: false, actor: 'bob', limit: 10 });
    const byId = new Map(entries.map((entry) => [entry.deadLetterId, entry]));
    expect(byId.get(record.id)).toMatchObject({ result: 'skipped', detail: 'already redriven once; pass force to redrive again' });
    expect(byId.get(beyond.id)).toMatchObject({ result: 'skipped', detail: 'message no longer in the dead-letter topic' });
    expect(await originSize()).toBe(1);
  });

  it('leaves no consumer group of its own behind', async () => {
    const { groups } = await admin.listGroups();
    const leftovers = groups.filter((group) => group.groupId.startsWith(REDRIVE_GROUP_PREFIX));
    // Each request deletes its reading group before it answers.
    expect(leftovers).toEqual([]);
  });
});
