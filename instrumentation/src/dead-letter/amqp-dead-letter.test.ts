/**
 * Dead letters over the real RabbitMQ: the broker's own dead-lettering (reject, TTL expiry, a
 * quorum queue's delivery limit) read on the DLQ consumer's span, and Causeway's helper
 * republishing a failed message with provenance in the same trace.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import amqp, { type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { services, uniqueName } from '../../../test/support/services.js';
import { errorFingerprint } from '../core/fingerprint.js';
import { instrumentAmqplib } from '../amqplib/index.js';
import { eventually, installTracingGlobals, memoryTracing } from '../kafkajs/fixtures/test-kit.js';
import { publishAmqpDeadLetter, recordMessageFailure } from './index.js';

installTracingGlobals();
const tracing = memoryTracing();
let connection: ChannelModel;
let channel: Channel;
const queues: string[] = [];

beforeAll(async () => {
  connection = instrumentAmqplib(await amqp.connect(services.amqpUrl), { tracerProvider: tracing.provider });
  channel = await connection.createChannel();
});

afterAll(async () => {
  for (const queue of queues) await channel.deleteQueue(queue).catch(() => undefined);
  await connection?.close();
});

/** A work queue dead-lettering (through the default exchange) into its own DLQ. */
async function workQueueWithDlq(prefix: string, extra: Record<string, unknown> = {}): Promise<{ work: string; dlq: string }> {
  const work = uniqueName(prefix);
  const dlq = `${work}.dlq`;
  queues.push(work, dlq);
  await channel.assertQueue(dlq, { durable: true });
  await channel.assertQueue(work, { durable: true, arguments: { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': dlq, ...extra } });
  return { work, dlq };
}

function processSpans(queue: string): ReadableSpan[] {
  return tracing.spans().filter((span) => span.name === `process ${queue}`);
}

async function consumeOne(queue: string): Promise<ConsumeMessage> {
  return new Promise((resolve) => {
    void channel.consume(queue, (message) => {
      if (!message) return;
      channel.ack(message);
      resolve(message);
    });
  });
}

describe('RabbitMQ dead-lettering seen on the DLQ consumer', () => {
  it('reject: the DLQ span has the x-death facts, the origin queue, and continues the original trace', async () => {
    const { work, dlq } = await workQueueWithDlq('cw-dlx-reject');
    await channel.consume(work, (message) => {
      if (!message) return;
      try {
        throw new TypeError('cannot read total of order 5521');
      } catch (err) {
        // A handler that settles its failures itself records them on the message's span.
        recordMessageFailure(message, err);
        channel.reject(message, false);
      }
    });
    const dead = consumeOne(dlq);
    channel.sendToQueue(work, Buffer.from('{"id":5521}'), { headers: { 'causeway-event-type': 'OrderPlaced' } });
    await dead;
    await eventually('dlq span', () => processSpans(dlq).length === 1);

    const send = tracing.spans().find((span) => span.name === `send ${work}`)!;
    const failed = processSpans(work)[0]!;
    const dlqSpan = processSpans(dlq)[0]!;
    expect(failed.status.code).toBe(SpanStatusCode.ERROR);
    expect(failed.attributes).toMatchObject({ 'causeway.message.delivery_attempt': 1, 'causeway.error.fingerprint': errorFingerprint('TypeError', 'cannot read total of order 5521') });
    expect(dlqSpan.spanContext().traceId).toBe(send.spanContext().traceId);
    expect(dlqSpan.parentSpanContext?.spanId).toBe(send.spanContext().spanId);
    expect(dlqSpan.attributes).toMatchObject({
      'messaging.message.id': send.attributes['messaging.message.id'],
      'causeway.dead_letter.convention': 'rabbitmq',
      'causeway.dead_letter.reason': 'rejected',
      'causeway.dead_letter.count': 1,
      'causeway.dead_letter.origin.destination': work,
      'causeway.dead_letter.origin.group': work,
      'causeway.dead_letter.origin.exchange': '',
      'causeway.dead_letter.origin.routing_keys': [work],
      'causeway.dead_letter.attempts': 1,
      'causeway.message.delivery_attempt': 1,
      'causeway.event.type': 'OrderPlaced',
    });
    expect(Number(dlqSpan.attributes['causeway.dead_letter.last_failure_at_ms'])).toBeGreaterThan(Date.now() - 600_000);
  });

  it('TTL expiry: reason expired, no consumer involved', async () => {
    const { work, dlq } = await workQueueWithDlq('cw-dlx-ttl', { 'x-message-ttl': 50 });
    const dead = consumeOne(dlq);
    channel.sendToQueue(work, Buffer.from('late'));
    await dead;
    await eventually('dlq span', () => processSpans(dlq).length === 1);
    expect(processSpans(dlq)[0]!.attributes).toMatchObject({
      'causeway.dead_letter.convention': 'rabbitmq',
      'causeway.dead_letter.reason': 'expired',
      'causeway.dead_letter.origin.destination': work,
    });
  });

  it("quorum delivery limit: every redelivery's attempt is counted, and the DLQ span says delivery_limit", async () => {
    const { work, dlq } = await workQueueWithDlq('cw-dlx-quorum', { 'x-queue-type': 'quorum', 'x-delivery-limit': 2 });
    const workChannel = await connection.createChannel();
    await workChannel.consume(work, (message) => {
      if (message) workChannel.nack(message, false, true);
    });
    const dead = consumeOne(dlq);
    channel.sendToQueue(work, Buffer.from('poison'));
    await dead;
    await eventually('dlq span', () => processSpans(dlq).length === 1);
    await workChannel.close();
    const attempts = processSpans(work).map((span) => span.attributes['causeway.message.delivery_attempt']);
    expect(attempts).toEqual([1, 2, 3]);
    expect(processSpans(work)[1]!.attributes['causeway.message.delivery_count']).toBe(1);
    expect(processSpans(dlq)[0]!.attributes).toMatchObject({
      'causeway.dead_letter.convention': 'rabbitmq',
      'causeway.dead_letter.reason': 'delivery_limit',
      'causeway.dead_letter.origin.destination': work,
    });
  });
});

describe('publishAmqpDeadLetter', () => {
  it('republishes with provenance under the failing process span; the DLQ consumer continues that chain', async () => {
    const work = uniqueName('cw-helper-work');
    const dlq = `${work}.dlq`;
    queues.push(work, dlq);
    await channel.assertQueue(work, { durable: false });
    await channel.assertQueue(dlq, { durable: false });
    await channel.consume(work, (message) => {
      if (!message) return;
      publishAmqpDeadLetter(channel, { exchange: '', routingKey: dlq, from: { message }, error: new RangeError(`amount -12 of order 8 is negative`) });
      channel.ack(message);
    });
    const dead = consumeOne(dlq);
    channel.sendToQueue(work, Buffer.from('{"id":8}'), { messageId: 'order-8', contentType: 'application/json', expiration: '60000' });
    const message = await dead;
    await eventually('dlq span', () => processSpans(dlq).length === 1);

    const spans = tracing.spans();
    const send = spans.find((span) => span.name === `send ${work}`)!;
    const failed = processSpans(work)[0]!;
    const dlqSend = spans.find((span) => span.name === `send ${dlq}`)!;
    const dlqSpan = processSpans(dlq)[0]!;
    expect(failed.status.code).toBe(SpanStatusCode.ERROR);
    expect(dlqSend.parentSpanContext?.spanId).toBe(failed.spanContext().spanId);
    expect(dlqSpan.parentSpanContext?.spanId).toBe(dlqSend.spanContext().spanId);
    expect(dlqSpan.spanContext().traceId).toBe(send.spanContext().traceId);
    expect(message.properties).toMatchObject({ messageId: 'order-8', contentType: 'application/json' });
    expect(message.properties.expiration).toBeUndefined();
    expect(dlqSpan.attributes).toMatchObject({
      'messaging.message.id': 'order-8',
      'causeway.dead_letter.convention': 'causeway',
      'causeway.dead_letter.origin.destination': work,
      'causeway.dead_letter.origin.group': work,
      'causeway.dead_letter.attempts': 1,
      'causeway.dead_letter.error.type': 'RangeError',
      'causeway.dead_letter.error.fingerprint': errorFingerprint('RangeError', 'amount -12 of order 8 is negative'),
      'causeway.dead_letter.original_event_id': 'order-8',
    });
  });
});
