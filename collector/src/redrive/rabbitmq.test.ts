/**
 * Redrive through a real RabbitMQ: messages rejected into a dead-letter exchange are taken back off
 * the dead-letter queue and republished to their origin queue, with the original event id, a new
 * traceparent linked to the dead-letter event, the redrive headers, and an audit trail.
 */
import amqp, { type Channel, type ChannelModel, type GetMessage } from 'amqplib';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { SpanKind } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { services, uniqueName } from '../../../test/support/services.js';
import type { Store } from '../store/store.js';
import { HEADER_REDRIVE_COUNT, HEADER_REDRIVE_OF } from './headers.js';
import { RedriveService } from './service.js';
import { deadLetterRecord, sqliteStoreWith } from './testing/records.js';

const ORIGIN = uniqueName('cw-redrive-orders');
const DLX = `${ORIGIN}.dlx`;
const DLQ = `${ORIGIN}.dlq`;
const GONE = uniqueName('cw-redrive-gone');

let connection: ChannelModel;
let channel: Channel;
let store: Store;
let service: RedriveService;
const exporter = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

const target = deadLetterRecord({ eventId: uniqueName('evt-target'), origin: { destination: ORIGIN, group: ORIGIN }, deadLetter: { destination: DLQ, reason: 'rejected', convention: 'rabbitmq' } });
const missing = deadLetterRecord({ eventId: uniqueName('evt-missing'), origin: { destination: ORIGIN, group: ORIGIN }, deadLetter: { destination: DLQ, reason: 'rejected', convention: 'rabbitmq' } });
const goneQueue = deadLetterRecord({ eventId: uniqueName('evt-gone'), origin: { destination: ORIGIN, group: ORIGIN }, deadLetter: { destination: GONE, reason: 'expired', convention: 'rabbitmq' } });
const ids = { before: uniqueName('evt-before'), after: uniqueName('evt-after') };

async function ready(queue: string): Promise<number> {
  return (await channel.checkQueue(queue)).messageCount;
}

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > until) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Every message of a queue, left on it (taken unacked, then requeued). */
async function peekAll(queue: string): Promise<GetMessage[]> {
  const peeker = await connection.createChannel();
  const seen: GetMessage[] = [];
  for (let message = await peeker.get(queue); message; message = await peeker.get(queue)) seen.push(message);
  await peeker.close();
  return seen;
}

const idOf = (message: GetMessage): string => String(message.properties.headers?.['causeway-event-id']);

beforeAll(async () => {
  connection = await amqp.connect(services.amqpUrl);
  channel = await connection.createChannel();
  await channel.assertExchange(DLX, 'direct', { durable: false, autoDelete: false });
  await channel.assertQueue(DLQ, { durable: false });
  await channel.bindQueue(DLQ, DLX, ORIGIN);
  await channel.assertQueue(ORIGIN, { durable: false, arguments: { 'x-dead-letter-exchange': DLX } });
  // Three messages rejected by their consumer: they land in the DLQ with x-death.
  for (const eventId of [ids.before, target.eventId, ids.after]) {
    channel.sendToQueue(ORIGIN, Buffer.from(JSON.stringify({ orderId: eventId })), {
      headers: { 'causeway-event-id': eventId, 'causeway-event-type': 'OrderPlaced', traceparent: `00-${target.traceId}-${target.spanId}-01`, tenant: 'acme' },
      contentType: 'application/json',
      messageId: `m-${eventId}`,
    });
  }
  await eventually(() => ready(ORIGIN), (n) => n === 3);
  for (let i = 0; i < 3; i++) {
    const message = await channel.get(ORIGIN);
    if (message) channel.reject(message, false);
  }
  await eventually(() => ready(DLQ), (n) => n === 3);

  store = await sqliteStoreWith([target, missing, goneQueue]);
  service = new RedriveService({ store, brokers: { rabbitmq: { amqpUrl: services.amqpUrl } }, tracerProvider });
});

afterAll(async () => {
  await service?.close();
  await store?.close();
  await channel?.deleteQueue(ORIGIN).catch(() => undefined);
  await channel?.deleteQueue(DLQ).catch(() => undefined);
  await channel?.deleteExchange(DLX).catch(() => undefined);
  await connection?.close();
});

describe('redrive from a RabbitMQ dead-letter queue', () => {
  it('dry run finds the message and leaves the queues as they were', async () => {
    const entry = await service.redriveOne(target.id, { dryRun: true, force: false, actor: 'alice (127.0.0.1)' });
    expect(entry).toMatchObject({ result: 'would-republish', dryRun: true, deadLetterId: target.id, target: { system: 'rabbitmq', destination: ORIGIN } });
    expect(await eventually(() => ready(DLQ), (n) => n === 3)).toBe(3);
    expect(await ready(ORIGIN)).toBe(0);
    expect((await peekAll(DLQ)).map(idOf)).toEqual([ids.before, target.eventId, ids.after]);
  });

  it('republishes to the origin queue with the same event id, a new linked trace and the redrive headers', async () => {
    exporter.reset();
    const entry = await service.redriveOne(target.id, { dryRun: false, force: false, actor: 'alice (127.0.0.1)' });
    expect(entry).toMatchObject({ result: 'republished', dryRun: false, newEventId: target.eventId, target: { system: 'rabbitmq', destination: ORIGIN }, actor: 'alice (127.0.0.1)' });

    await eventually(() => ready(ORIGIN), (n) => n === 1);
    const copy = await channel.get(ORIGIN);
    expect(copy).not.toBe(false);
    if (!copy) return;
    channel.ack(copy);
    const headers = copy.properties.headers ?? {};
    expect(String(headers['causeway-event-id'])).toBe(target.eventId);
    expect(String(headers[HEADER_REDRIVE_OF])).toBe(target.id);
    expect(String(headers[HEADER_REDRIVE_COUNT])).toBe('1');
    expect(String(headers['tenant'])).toBe('acme');
    expect(headers['x-death']).toBeUndefined();
    expect(headers['x-first-death-reason']).toBeUndefined();
    expect(copy.properties.messageId).toBe(`m-${target.eventId}`);
    expect(JSON.parse(copy.content.toString())).toEqual({ orderId: target.eventId });

    // A new trace, started by the redrive span, which links back to the dead-letter event's span.
    const traceparent = String(headers['traceparent']);
    const [, traceId, spanId] = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/.exec(traceparent) ?? [];
    expect(traceId).toBeDefined();
    expect(traceId).not.toBe(target.traceId);
    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe(`redrive ${ORIGIN}`);
    expect(span?.kind).toBe(SpanKind.PRODUCER);
    expect(span?.spanContext()).toMatchObject({ traceId, spanId });
    expect(span?.links.map((link) => link.context)).toEqual([expect.objectContaining({ traceId: target.traceId, spanId: target.spanId })]);

    // Only the redriven message left the DLQ; the others are back in their order.
    expect(await eventually(() => ready(DLQ), (n) => n === 2)).toBe(2);
    expect((await peekAll(DLQ)).map(idOf)).toEqual([ids.before, ids.after]);
  });

  it('skips a second redrive (loop guard) unless forced; forced, the message is no longer there', async () => {
    const again = await service.redriveOne(target.id, { dryRun: false, force: false, actor: 'bob' });
    expect(again).toMatchObject({ result: 'skipped', detail: 'already redriven once; pass force to redrive again' });
    const forced = await service.redriveOne(target.id, { dryRun: false, force: true, actor: 'bob' });
    expect(forced).toMatchObject({ result: 'skipped', detail: 'message no longer in the dead-letter queue' });
    expect(await eventually(() => ready(DLQ), (n) => n === 2)).toBe(2);
  });

  it('reports a message that is not in the queue, and a queue that does not exist, as skipped', async () => {
    const entries = await service.redriveMany({ from: 0, to: Date.now() + 1000, destination: ORIGIN }, { dryRun: false, force: false, actor: 'carol', limit: 10 });
    const byId = new Map(entries.map((entry) => [entry.deadLetterId, entry]));
    expect(byId.get(missing.id)).toMatchObject({ result: 'skipped', detail: 'message no longer in the dead-letter queue' });
    expect(byId.get(goneQueue.id)).toMatchObject({ result: 'skipped', detail: `dead-letter queue "${GONE}" does not exist` });
    expect(byId.get(target.id)).toMatchObject({ result: 'skipped', detail: expect.stringMatching(/^already redriven/) });
    expect(await eventually(() => ready(DLQ), (n) => n === 2)).toBe(2);
  });

  it('wrote every attempt to the audit log', async () => {
    const audit = await store.listRedriveAudit({ deadLetterId: target.id, limit: 100 });
    expect(audit.map((entry) => [entry.result, entry.dryRun]).sort()).toEqual(
      [
        ['would-republish', true],
        ['republished', false],
        ['skipped', false],
        ['skipped', false],
        ['skipped', false],
      ].sort(),
    );
    expect(audit.find((entry) => entry.result === 'republished')?.actor).toBe('alice (127.0.0.1)');
  });
});
