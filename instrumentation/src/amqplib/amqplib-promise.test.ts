/**
 * The promise API against the real RabbitMQ: spans, their parentage and attributes, settlement,
 * event identity. Each test uses its own queues; spans come from a provider private to this file.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import amqp, { type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import { context, propagation, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { services, uniqueName } from '../../../test/support/services.js';
import { runWithMessageContext } from '../core/message-context.js';
import { instrumentAmqplib } from './index.js';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
let connection: ChannelModel;
let channel: Channel;

beforeAll(async () => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
  connection = instrumentAmqplib(await amqp.connect(services.amqpUrl), { tracerProvider: provider });
  channel = await connection.createChannel();
});

afterAll(async () => {
  await connection?.close();
});

/** Spans of one queue's traffic, so tests running side by side in this file never mix. */
function spansOf(destination: string): ReadableSpan[] {
  return exporter.getFinishedSpans().filter((span) => String(span.attributes['messaging.destination.name'] ?? '').split(':').includes(destination));
}

function named(spans: ReadableSpan[], name: string): ReadableSpan[] {
  return spans.filter((span) => span.name === name);
}

async function freshQueue(prefix: string, options?: amqp.Options.AssertQueue): Promise<string> {
  const queue = uniqueName(prefix);
  await channel.assertQueue(queue, { durable: false, autoDelete: false, ...options });
  return queue;
}

/** Resolves with the first `count` messages delivered to `queue`; the consumer does not settle. */
async function collect(ch: Channel, queue: string, count: number, options?: amqp.Options.Consume): Promise<ConsumeMessage[]> {
  const messages: ConsumeMessage[] = [];
  return new Promise((resolve) => {
    void ch.consume(
      queue,
      (msg) => {
        if (msg) messages.push(msg);
        if (messages.length === count) resolve(messages);
      },
      options,
    );
  });
}

describe('amqplib promise API', () => {
  it('publish → consume: the process span is a child of the publish span and ends at ack', async () => {
    const exchange = uniqueName('cw-ex');
    await channel.assertExchange(exchange, 'direct', { durable: false, autoDelete: true });
    const queue = await freshQueue('cw-pub');
    await channel.bindQueue(queue, exchange, 'created');

    const publishedSeconds = Math.floor(Date.now() / 1000);
    channel.publish(exchange, 'created', Buffer.from('{"type":"OrderPlaced"}'), { correlationId: 'conv-1', type: 'OrderPlaced', timestamp: publishedSeconds });
    const [message] = await collect(channel, queue, 1);
    // Unsettled: the process span is still open.
    expect(named(spansOf(queue), `process ${exchange}:created:${queue}`)).toHaveLength(0);
    channel.ack(message!);

    await vi.waitFor(() => expect(named(spansOf(queue), `process ${exchange}:created:${queue}`)).toHaveLength(1));
    const [send] = named(spansOf(exchange), `send ${exchange}:created`);
    const [process] = named(spansOf(queue), `process ${exchange}:created:${queue}`);
    expect(send?.kind).toBe(SpanKind.PRODUCER);
    expect(send?.attributes).toMatchObject({
      'messaging.system': 'rabbitmq',
      'messaging.operation.type': 'send',
      'messaging.operation.name': 'send',
      'messaging.destination.name': `${exchange}:created`,
      'messaging.rabbitmq.destination.routing_key': 'created',
      'messaging.message.conversation_id': 'conv-1',
      'messaging.message.body.size': 22,
      'causeway.event.type': 'OrderPlaced',
      'server.port': Number(new URL(services.amqpUrl).port || 5672),
    });
    expect(typeof send?.attributes['server.address']).toBe('string');
    expect(process?.kind).toBe(SpanKind.CONSUMER);
    expect(process?.spanContext().traceId).toBe(send?.spanContext().traceId);
    expect(process?.parentSpanContext?.spanId).toBe(send?.spanContext().spanId);
    expect(process?.attributes).toMatchObject({
      'messaging.operation.type': 'process',
      'messaging.operation.name': 'process',
      'messaging.consumer.group.name': queue,
      'messaging.rabbitmq.message.delivery_tag': message!.fields.deliveryTag,
      'messaging.message.id': send?.attributes['messaging.message.id'],
      'messaging.message.conversation_id': 'conv-1',
      'causeway.event.type': 'OrderPlaced',
      // AMQP timestamps are seconds.
      'causeway.message.published_at_ms': publishedSeconds * 1000,
    });
    expect(process?.attributes['causeway.message.time_in_queue_ms']).toBeGreaterThanOrEqual(0);
    // A first delivery: only a redelivery is flagged.
    expect(process?.attributes['causeway.message.redelivered']).toBeUndefined();
    // The settlement is on the process span; no settle span of its own (see the settleSpans test).
    expect(process?.attributes['causeway.settle.operation']).toBe('ack');
    // An ack never requeues, so neither requeue nor multiple is recorded for a single ack.
    expect(process?.attributes['causeway.settle.requeue']).toBeUndefined();
    expect(process?.attributes['causeway.settle.multiple']).toBeUndefined();
    expect(named(spansOf(queue), `ack ${exchange}:created:${queue}`)).toHaveLength(0);
    expect(process?.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('settleSpans: true records each settlement as a CLIENT settle span under the process span, as before', async () => {
    const separate = instrumentAmqplib(await amqp.connect(services.amqpUrl), { tracerProvider: provider, settleSpans: true });
    try {
      const ch = await separate.createChannel();
      const queue = await freshQueue('cw-settle-span');
      for (const body of ['1', '2']) ch.sendToQueue(queue, Buffer.from(body));
      const [first, second] = await collect(ch, queue, 2);
      ch.nack(first!, false, true);
      ch.reject(second!, false);
      await vi.waitFor(() => expect(named(spansOf(queue), `process ${queue}`).length).toBeGreaterThanOrEqual(2));
      const processes = named(spansOf(queue), `process ${queue}`);
      const [nack] = named(spansOf(queue), `nack ${queue}`);
      const [reject] = named(spansOf(queue), `reject ${queue}`);
      expect(nack?.kind).toBe(SpanKind.CLIENT);
      expect(nack?.attributes).toMatchObject({ 'messaging.operation.type': 'settle', 'messaging.operation.name': 'nack', 'causeway.settle.requeue': true });
      expect(reject?.attributes).toMatchObject({ 'messaging.operation.type': 'settle', 'messaging.operation.name': 'reject', 'causeway.settle.requeue': false });
      expect(nack?.parentSpanContext?.spanId).toBe(processes[0]?.spanContext().spanId);
      expect(reject?.parentSpanContext?.spanId).toBe(processes[1]?.spanContext().spanId);
      // The settlement is on the settle span only.
      expect(processes.slice(0, 2).map((span) => span.attributes['causeway.settle.operation'])).toEqual([undefined, undefined]);
      await ch.close();
    } finally {
      await separate.close();
    }
  });

  it('sendToQueue writes a generated event id header, or keeps the user messageId without adding one', async () => {
    const queue = await freshQueue('cw-id');
    channel.sendToQueue(queue, Buffer.from('a'));
    channel.sendToQueue(queue, Buffer.from('b'), { messageId: 'user-id-1' });
    const [generated, own] = await collect(channel, queue, 2, { noAck: true });

    const eventId = generated!.properties.headers?.['causeway-event-id'];
    expect(eventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(generated!.properties.messageId).toBeUndefined();
    expect(own!.properties.messageId).toBe('user-id-1');
    expect(own!.properties.headers?.['causeway-event-id']).toBeUndefined();
    await vi.waitFor(() => expect(named(spansOf(queue), `process ${queue}`)).toHaveLength(2));
    const sendIds = named(spansOf(queue), `send ${queue}`).map((span) => span.attributes['messaging.message.id']);
    const processIds = named(spansOf(queue), `process ${queue}`).map((span) => span.attributes['messaging.message.id']);
    expect(sendIds).toEqual([eventId, 'user-id-1']);
    expect(processIds).toEqual([eventId, 'user-id-1']);
  });

  it('never mutates the options object the user passes', async () => {
    const queue = await freshQueue('cw-opts');
    const shared = Object.freeze({ headers: Object.freeze({ tenant: 't1' }), persistent: false });
    channel.sendToQueue(queue, Buffer.from('x'), shared);
    channel.sendToQueue(queue, Buffer.from('y'), shared);
    const messages = await collect(channel, queue, 2, { noAck: true });
    expect(shared.headers).toEqual({ tenant: 't1' });
    expect(messages.map((m) => m.properties.headers?.['tenant'])).toEqual(['t1', 't1']);
    // Each message got its own id, not one shared through a mutated header table.
    expect(new Set(messages.map((m) => m.properties.headers?.['causeway-event-id'])).size).toBe(2);
  });

  it('a handler publishing B while processing A records A as B’s causal parent', async () => {
    const first = await freshQueue('cw-chain-a');
    const second = await freshQueue('cw-chain-b');
    await channel.consume(first, (msg) => {
      if (!msg) return;
      channel.sendToQueue(second, Buffer.from('B'));
      channel.ack(msg);
    });
    channel.sendToQueue(first, Buffer.from('A'), { messageId: 'event-A' });
    const [b] = await collect(channel, second, 1, { noAck: true });

    await vi.waitFor(() => expect(named(spansOf(second), `process ${second}`)).toHaveLength(1));
    const [processA] = named(spansOf(first), `process ${first}`);
    const [sendB] = named(spansOf(second), `send ${second}`);
    expect(sendB?.attributes['causeway.event.parent_id']).toBe('event-A');
    expect(sendB?.parentSpanContext?.spanId).toBe(processA?.spanContext().spanId);
    expect(b!.properties.headers?.['causeway-event-id']).toBe(sendB?.attributes['messaging.message.id']);
    // Published outside any handler: no parent.
    expect(named(spansOf(first), `send ${first}`)[0]?.attributes['causeway.event.parent_id']).toBeUndefined();
  });

  it('nack with requeue: the process span says requeue, the second delivery is marked redelivered', async () => {
    const queue = await freshQueue('cw-nack');
    let deliveries = 0;
    const done = new Promise<void>((resolve) => {
      void channel.consume(queue, (msg) => {
        if (!msg) return;
        deliveries += 1;
        if (deliveries === 1) channel.nack(msg, false, true);
        else {
          channel.ack(msg);
          resolve();
        }
      });
    });
    channel.sendToQueue(queue, Buffer.from('retry me'));
    await done;

    await vi.waitFor(() => expect(named(spansOf(queue), `process ${queue}`)).toHaveLength(2));
    const [firstTry, secondTry] = named(spansOf(queue), `process ${queue}`);
    expect(firstTry?.attributes['causeway.message.redelivered']).toBeUndefined();
    expect(secondTry?.attributes['causeway.message.redelivered']).toBe(true);
    expect(firstTry?.attributes).toMatchObject({ 'causeway.settle.operation': 'nack', 'causeway.settle.requeue': true });
    expect(secondTry?.attributes['causeway.settle.operation']).toBe('ack');
    // The handler decided to nack; it did not fail.
    expect(firstTry?.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('noAck: the process span ends when the handler’s promise settles', async () => {
    const queue = await freshQueue('cw-noack');
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const started = new Promise<void>((resolve) => {
      void channel.consume(
        queue,
        async (msg) => {
          if (!msg) return;
          resolve();
          await released;
        },
        { noAck: true },
      );
    });
    channel.sendToQueue(queue, Buffer.from('fire and forget'));
    await started;
    expect(named(spansOf(queue), `process ${queue}`)).toHaveLength(0);
    release();
    await vi.waitFor(() => expect(named(spansOf(queue), `process ${queue}`)).toHaveLength(1));
    expect(named(spansOf(queue), `process ${queue}`)[0]?.attributes['causeway.settle.operation']).toBeUndefined();
  });

  it('get: a receive span ended at ack; an empty queue gives no span', async () => {
    const queue = await freshQueue('cw-get');
    expect(await channel.get(queue)).toBe(false);
    channel.sendToQueue(queue, Buffer.from('pull me'));
    let message: amqp.GetMessage | false = false;
    await vi.waitFor(async () => {
      message = await channel.get(queue);
      expect(message).not.toBe(false);
    });
    expect(named(spansOf(queue), `receive ${queue}`)).toHaveLength(0);
    channel.ack(message as unknown as amqp.GetMessage);

    await vi.waitFor(() => expect(named(spansOf(queue), `receive ${queue}`)).toHaveLength(1));
    const [receive] = named(spansOf(queue), `receive ${queue}`);
    const [send] = named(spansOf(queue), `send ${queue}`);
    expect(receive?.kind).toBe(SpanKind.CONSUMER);
    expect(receive?.attributes['messaging.operation.type']).toBe('receive');
    expect(receive?.parentSpanContext?.spanId).toBe(send?.spanContext().spanId);
    expect(receive?.attributes['causeway.settle.operation']).toBe('ack');

    // Pulled messages have no callback to run in: runWithMessageContext gives their context.
    const followUp = await freshQueue('cw-get-next');
    runWithMessageContext(message, () => channel.sendToQueue(followUp, Buffer.from('next')));
    await vi.waitFor(() => expect(named(spansOf(followUp), `send ${followUp}`)).toHaveLength(1));
    const [next] = named(spansOf(followUp), `send ${followUp}`);
    expect(next?.attributes['causeway.event.parent_id']).toBe(receive?.attributes['messaging.message.id']);
    expect(next?.parentSpanContext?.spanId).toBe(receive?.spanContext().spanId);
  });

  it('ack with allUpTo, ackAll and nackAll settle every delivery they cover', async () => {
    const ch = await connection.createChannel();
    const queue = await freshQueue('cw-multi');
    for (const body of ['1', '2', '3', '4', '5']) ch.sendToQueue(queue, Buffer.from(body));
    const messages = await collect(ch, queue, 5);
    ch.ack(messages[1]!, true); // settles 1 and 2
    await vi.waitFor(() => expect(named(spansOf(queue), `process ${queue}`)).toHaveLength(2));
    ch.ackAll(); // 3, 4, 5
    await vi.waitFor(() => expect(named(spansOf(queue), `process ${queue}`)).toHaveLength(5));
    const acks = named(spansOf(queue), `process ${queue}`).map((span) => [span.attributes['causeway.settle.operation'], span.attributes['causeway.settle.multiple']]);
    expect(acks).toEqual(Array.from({ length: 5 }, () => ['ack', true]));

    const other = await freshQueue('cw-nackall');
    for (const body of ['1', '2']) ch.sendToQueue(other, Buffer.from(body));
    await collect(ch, other, 2);
    ch.nackAll(false);
    await vi.waitFor(() => expect(named(spansOf(other), `process ${other}`)).toHaveLength(2));
    const nacks = named(spansOf(other), `process ${other}`);
    expect(nacks.map((span) => [span.attributes['causeway.settle.operation'], span.attributes['causeway.settle.requeue']])).toEqual([
      ['nack', false],
      ['nack', false],
    ]);
    await ch.close();
  });

  it('a sync handler throw is recorded on the process span and reaches amqplib unchanged', async () => {
    const ch = await connection.createChannel();
    const queue = await freshQueue('cw-throw');
    const boom = new Error('handler failed');
    const seen = new Promise<unknown>((resolve) => ch.on('handler-error', (err: unknown) => resolve(err)));
    await ch.consume(queue, () => {
      throw boom;
    });
    ch.sendToQueue(queue, Buffer.from('x'));
    expect(await seen).toBe(boom);
    await ch.close();

    await vi.waitFor(() => expect(named(spansOf(queue), `process ${queue}`)).toHaveLength(1));
    const [process] = named(spansOf(queue), `process ${queue}`);
    expect(process?.status).toMatchObject({ code: SpanStatusCode.ERROR, message: 'handler failed' });
    expect(process?.events.some((event) => event.name === 'exception')).toBe(true);
  });

  it('closing the channel ends the spans of unsettled deliveries', async () => {
    const ch = await connection.createChannel();
    const queue = await freshQueue('cw-close');
    ch.sendToQueue(queue, Buffer.from('never acked'));
    await collect(ch, queue, 1);
    expect(named(spansOf(queue), `process ${queue}`)).toHaveLength(0);
    await ch.close();
    await vi.waitFor(() => expect(named(spansOf(queue), `process ${queue}`)).toHaveLength(1));
    expect(named(spansOf(queue), `process ${queue}`)[0]?.attributes['causeway.settle.unsettled_reason']).toBe('channel_closed');
  });

  it('confirm channel: the publish span ends at the broker confirm; wrapping twice traces once', async () => {
    const confirm = await instrumentAmqplib(connection, { tracerProvider: provider }).createConfirmChannel();
    const queue = await freshQueue('cw-confirm');
    const acked = new Promise<unknown>((resolve) => confirm.sendToQueue(queue, Buffer.from('x'), {}, (err) => resolve(err)));
    expect(await acked).toBeNull();
    await confirm.waitForConfirms();
    await vi.waitFor(() => expect(named(spansOf(queue), `send ${queue}`)).toHaveLength(1));
    expect(named(spansOf(queue), `send ${queue}`)[0]?.status.code).toBe(SpanStatusCode.UNSET);
    await confirm.close();
  });
});
