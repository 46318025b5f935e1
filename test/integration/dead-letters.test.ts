/**
 * Dead letters end to end on a real RabbitMQ: three services with their own tracing (a shop that
 * publishes orders, a billing consumer that rejects the poison ones, and an inspector that reads the
 * dead-letter queue without taking messages off it) send OTLP to a collector, which records one dead
 * letter per message, groups them into one hotspot, and redrives one back to its queue through the
 * broker — dry run first, then for real, then refused by the loop guard.
 */
import amqp, { type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import { instrumentAmqplib, recordMessageFailure } from '@causeway/instrumentation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startCollector, type RunningCollector } from '../support/collector.js';
import { serviceTracing, type ServiceTracing } from '../support/service-tracing.js';
import { services, uniqueName } from '../support/services.js';

const TOKEN = 'dead-letter-test-token';
const POISON = 6;

interface DeadLetterAnswer {
  id: string;
  eventId: string;
  eventType: string | null;
  origin: { destination: string; group: string; service: string | null };
  deadLetter: { destination: string | null; reason: string; convention: string };
  error: { type: string | null; message: string | null; fingerprint: string };
  attempts: number;
  redriveCount: number;
  traceId: string;
  spanId: string;
}

describe('dead letters over RabbitMQ', () => {
  const work = uniqueName('cw-dl-orders');
  const dlq = `${work}.dlq`;
  // A second queue dead-letters through a named exchange into a queue nobody reads.
  const payments = uniqueName('cw-dl-payments');
  const paymentsDlx = `${payments}.dlx`;
  const parked = `${payments}.parked`;
  let collector: RunningCollector;
  const tracing: ServiceTracing[] = [];
  const connections: ChannelModel[] = [];
  let admin: Channel;
  let inspector: Channel;

  async function connect(service: string): Promise<Channel> {
    const t = serviceTracing(service, collector.url);
    tracing.push(t);
    const connection = instrumentAmqplib(await amqp.connect(services.amqpUrl), { tracerProvider: t.provider });
    connections.push(connection);
    return connection.createChannel();
  }

  const api = async <T>(path: string, init?: RequestInit): Promise<{ status: number; body: T }> => {
    const response = await fetch(collector.url + path, init);
    return { status: response.status, body: (await response.json()) as T };
  };
  const redrive = (id: string, body: object) =>
    api<{ results: Array<{ result: string; detail: string | null; target: { destination: string } | null }>; republished: number; skipped: number }>(
      `/api/deadletters/${encodeURIComponent(id)}/redrive`,
      { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, 'x-causeway-actor': 'it-test' }, body: JSON.stringify(body) },
    );

  beforeAll(async () => {
    collector = await startCollector('sqlite', [
      '--rabbitmq', services.amqpUrl,
      '--rabbitmq-management', services.rabbitmqManagementUrl,
      '--rabbitmq-queues', 'cw-dl-*',
      '--admin-token', TOKEN,
    ]);
    const plain = await amqp.connect(services.amqpUrl);
    connections.push(plain);
    admin = await plain.createChannel();
    await admin.assertQueue(dlq, { durable: true });
    await admin.assertQueue(work, { durable: true, arguments: { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': dlq } });
    await admin.assertExchange(paymentsDlx, 'direct', { durable: false, autoDelete: false });
    await admin.assertQueue(parked, { durable: true });
    await admin.bindQueue(parked, paymentsDlx, payments);
    await admin.assertQueue(payments, { durable: true, arguments: { 'x-dead-letter-exchange': paymentsDlx } });

    const shop = await connect('shop');
    const billing = await connect('billing');
    inspector = await connect('dlq-inspector');
    const bill = (message: ConsumeMessage | null): void => {
      if (!message) return;
      const order = JSON.parse(message.content.toString()) as { id: string; card: string };
      try {
        if (!/^\d{4}$/.test(order.card)) throw new RangeError(`order ${order.id}: card ${order.card} is malformed`);
        billing.ack(message);
      } catch (err) {
        recordMessageFailure(message, err);
        billing.reject(message, false);
      }
    };
    await billing.consume(work, bill);
    await billing.consume(payments, bill);
    // Reads the dead letters (their spans carry x-death) and leaves them in the queue: no ack.
    const inspected: ConsumeMessage[] = [];
    await inspector.prefetch(100);
    await inspector.consume(dlq, (message) => message && inspected.push(message));

    for (let i = 0; i < 10; i += 1) {
      const poison = i < POISON;
      const body = { id: `o-${1000 + i}`, card: poison ? `${i}${i}-${i}` : '1234' };
      shop.sendToQueue(work, Buffer.from(JSON.stringify(body)), { headers: { 'causeway-event-type': 'OrderPlaced' } });
    }
    shop.sendToQueue(payments, Buffer.from(JSON.stringify({ id: 'p-1', card: '99-9' })), { headers: { 'causeway-event-type': 'PaymentRequested' } });
    await eventually('the inspector saw every dead letter', async () => (inspected.length === POISON ? true : undefined), 30_000);
    await eventually('the payment parked', async () => ((await admin.checkQueue(parked)).messageCount === 1 ? true : undefined), 30_000);
    // Its channel closes: the dead letters go back to ready in the DLQ, where a redrive finds them.
    await inspector.close();
    for (const t of tracing) await t.provider.forceFlush();
  }, 90_000);

  afterAll(async () => {
    for (const t of tracing) await t.shutdown().catch(() => undefined);
    await admin?.deleteQueue(work).catch(() => undefined);
    await admin?.deleteQueue(dlq).catch(() => undefined);
    for (const queue of [payments, parked]) await admin?.deleteQueue(queue).catch(() => undefined);
    await admin?.deleteExchange(paymentsDlx).catch(() => undefined);
    for (const connection of connections) await connection.close().catch(() => undefined);
    await collector?.close();
  });

  it('records one dead letter per rejected message, with origin, reason, error and dead-letter queue', async () => {
    const list = await eventually('six dead letters with their queue', async () => {
      await collector.idle();
      const { body } = await api<{ deadLetters: DeadLetterAnswer[] }>(`/api/deadletters?destination=${encodeURIComponent(work)}`);
      return body.deadLetters.length === POISON && body.deadLetters.every((d) => d.deadLetter.destination === dlq) ? body.deadLetters : undefined;
    }, 30_000);
    for (const record of list) {
      expect(record).toMatchObject({
        eventType: 'OrderPlaced',
        origin: { destination: work, group: work, service: 'billing' },
        deadLetter: { destination: dlq, reason: 'rejected' },
        error: { type: 'RangeError' },
        attempts: 1,
        redriveCount: 0,
      });
      expect(record.error.message).toMatch(/card .* is malformed/);
    }
    // Messages that differ only in ids share one fingerprint.
    expect(new Set(list.map((d) => d.error.fingerprint)).size).toBe(1);
  });

  it('ranks them as one hotspot by fingerprint and consumer group', async () => {
    const { status, body } = await api<{ rows: Array<{ key: Record<string, string>; count: number; sample: { errorType: string | null } }> }>(
      `/api/deadletters/hotspots?groupBy=fingerprint,group&from=${Date.now() - 600_000}`,
    );
    expect(status).toBe(200);
    const row = body.rows.find((r) => r.key.group === work);
    expect(row).toMatchObject({ count: POISON, sample: { errorType: 'RangeError' } });
    const bad = await api<{ message: string }>('/api/deadletters/hotspots?groupBy=colour');
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/groupBy/);
  });

  it('redrives one through the broker: dry run, then for real, then the loop guard refuses a second time', async () => {
    const { body } = await api<{ deadLetters: DeadLetterAnswer[] }>(`/api/deadletters?destination=${encodeURIComponent(work)}&limit=1`);
    const target = body.deadLetters[0]!;

    const refused = await api<{ message: string }>(`/api/deadletters/${encodeURIComponent(target.id)}/redrive`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(refused.status).toBe(401);

    const dry = await redrive(target.id, { dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.body.results[0]).toMatchObject({ result: 'would-republish', target: { destination: work } });
    expect((await admin.checkQueue(dlq)).messageCount).toBe(POISON);

    // The billing consumer will reject it again: take it away first so the redriven copy stays readable.
    const landed = new Promise<ConsumeMessage>((resolve, reject) => {
      setTimeout(() => reject(new Error('the redriven message did not arrive')), 20_000);
      void admin.consume(work, (message) => message && resolve(message), { noAck: true, exclusive: false });
    });
    await connections[2]!.close(); // billing
    const done = await redrive(target.id, {});
    expect(done.body.results[0]).toMatchObject({ result: 'republished', target: { destination: work } });
    const message = await landed;
    expect(String(message.properties.headers?.['causeway-event-id'])).toBe(target.eventId);
    expect(message.properties.headers?.['causeway-redrive-of']).toBeDefined();
    expect((await admin.checkQueue(dlq)).messageCount).toBe(POISON - 1);
    // The copy's new trace starts at the collector's own `redrive` span, linked to the dead letter.
    const traceId = String(message.properties.headers?.['traceparent']).split('-')[1]!;
    const redriveSpan = await eventually('the redrive span in the collector', async () => {
      const { status, body: found } = await api<{ spans: Array<{ name: string; service: string; links: Array<{ traceId: string; spanId: string }> }> }>(`/api/traces/${traceId}`);
      return status === 200 ? found.spans.find((span) => span.name === `redrive ${work}`) : undefined;
    }, 20_000);
    expect(redriveSpan.service).toBe('causeway-collector');
    expect(redriveSpan.links).toContainEqual(expect.objectContaining({ traceId: target.traceId, spanId: target.spanId }));

    const again = await redrive(target.id, {});
    expect(again.body.results[0]).toMatchObject({ result: 'skipped' });
    expect(again.body.results[0]!.detail).toMatch(/already redriven/);

    const detail = await api<{ redrives: Array<{ result: string; actor: string; dryRun: boolean }> }>(`/api/deadletters/${encodeURIComponent(target.id)}`);
    expect(detail.body.redrives.map((r) => r.result).sort()).toEqual(['republished', 'skipped', 'would-republish']);
    expect(detail.body.redrives.every((r) => r.actor.startsWith('it-test'))).toBe(true);
  }, 60_000);

  it('finds the queue a dead letter was parked in through the management API when no consumer read it', async () => {
    const record = await eventually('the payment dead letter', async () => {
      await collector.idle();
      const { body } = await api<{ deadLetters: DeadLetterAnswer[] }>(`/api/deadletters?destination=${encodeURIComponent(payments)}`);
      return body.deadLetters[0];
    }, 30_000);
    // Only the reject was seen: the span of a consumer of the parked queue would have named it.
    expect(record.deadLetter).toMatchObject({ destination: null, reason: 'rejected', convention: 'settlement' });

    const landed = new Promise<ConsumeMessage>((resolve, reject) => {
      setTimeout(() => reject(new Error('the redriven payment did not arrive')), 20_000);
      void admin.consume(payments, (message) => message && resolve(message), { noAck: true });
    });
    const done = await redrive(record.id, {});
    expect(done.body.results[0]).toMatchObject({ result: 'republished', target: { destination: payments } });
    expect(String((await landed).properties.headers?.['causeway-event-id'])).toBe(record.eventId);
    expect((await admin.checkQueue(parked)).messageCount).toBe(0);
  }, 60_000);
});
