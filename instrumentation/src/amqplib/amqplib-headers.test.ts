/**
 * What arrives in the AMQP header table, against the real RabbitMQ: bad trace context from a
 * foreign producer, a context the user set themselves, and the broker's dead-letter headers.
 * Foreign producers publish through a plain, uninstrumented connection, as another service would.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import amqp, { type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { services, uniqueName } from '../../../test/support/services.js';
import { instrumentAmqplib } from './index.js';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
let plain: ChannelModel;
let foreign: Channel;
let connection: ChannelModel;
let channel: Channel;

beforeAll(async () => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
  plain = await amqp.connect(services.amqpUrl);
  foreign = await plain.createChannel();
  connection = instrumentAmqplib(await amqp.connect(services.amqpUrl), { tracerProvider: provider });
  channel = await connection.createChannel();
});

afterAll(async () => {
  await connection?.close();
  await plain?.close();
});

function processSpans(queue: string): ReadableSpan[] {
  return exporter.getFinishedSpans().filter((span) => span.attributes['messaging.operation.type'] === 'process' && span.attributes['messaging.consumer.group.name'] === queue);
}

async function consumeOne(queue: string): Promise<ConsumeMessage> {
  return new Promise((resolve) => {
    void channel.consume(
      queue,
      (msg) => {
        if (msg) resolve(msg);
      },
      { noAck: true },
    );
  });
}

const VALID_TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('amqplib headers', () => {
  it.each([
    ['garbage text', 'not-a-traceparent', 'traceparent header malformed'],
    // amqplib cannot encode a header table over 64 KB, so 60 KB is the largest a producer can send.
    ['a 60 KB value', `00-${'a'.repeat(60 * 1024)}`, 'traceparent header oversized'],
    ['a number', 42, 'traceparent header malformed'],
    ['a nested table', { version: '00', traceId: 'x' }, 'traceparent header invalid'],
  ])('a traceparent that is %s starts a new root with the reason, and the handler still runs', async (_label, traceparent, reason) => {
    const queue = uniqueName('cw-bad');
    await channel.assertQueue(queue, { durable: false });
    foreign.sendToQueue(queue, Buffer.from('x'), { headers: { traceparent, tracestate: 'k=v' } });
    const message = await consumeOne(queue);
    expect(message.content.toString()).toBe('x');

    await vi.waitFor(() => expect(processSpans(queue)).toHaveLength(1));
    const [process] = processSpans(queue);
    expect(process?.parentSpanContext).toBeUndefined();
    expect(process?.attributes['causeway.context.dropped_reason']).toBe(reason);
  });

  it('a foreign producer with a valid traceparent and no event id: child span, no message id', async () => {
    const queue = uniqueName('cw-foreign');
    await channel.assertQueue(queue, { durable: false });
    foreign.sendToQueue(queue, Buffer.from('x'), { headers: { traceparent: VALID_TRACEPARENT } });
    await consumeOne(queue);
    await vi.waitFor(() => expect(processSpans(queue)).toHaveLength(1));
    const [process] = processSpans(queue);
    expect(process?.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(process?.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(process?.attributes['messaging.message.id']).toBeUndefined();
    expect(process?.attributes['causeway.context.dropped_reason']).toBeUndefined();
  });

  it('a traceparent the user set is sent unchanged; the publish span links to it', async () => {
    const queue = uniqueName('cw-own-ctx');
    await channel.assertQueue(queue, { durable: false });
    const parent = provider.getTracer('test').startSpan('user parent');
    context.with(trace.setSpan(context.active(), parent), () => {
      channel.sendToQueue(queue, Buffer.from('x'), { headers: { traceparent: VALID_TRACEPARENT } });
    });
    parent.end();
    const message = await consumeOne(queue);
    expect(message.properties.headers?.['traceparent']).toBe(VALID_TRACEPARENT);

    await vi.waitFor(() => expect(processSpans(queue)).toHaveLength(1));
    const send = exporter.getFinishedSpans().find((span) => span.name === `send ${queue}`);
    expect(send?.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(send?.links.map((link) => link.context.spanId)).toEqual(['b7ad6b7169203331']);
    expect(processSpans(queue)[0]?.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
  });

  it('baggage travels with the message and is active in the handler', async () => {
    const queue = uniqueName('cw-baggage');
    await channel.assertQueue(queue, { durable: false });
    const seen = new Promise<string | undefined>((resolve) => {
      void channel.consume(queue, (msg) => {
        if (!msg) return;
        resolve(propagation.getActiveBaggage()?.getEntry('tenant')?.value);
        channel.ack(msg);
      });
    });
    const baggage = propagation.createBaggage({ tenant: { value: 'acme' } });
    context.with(propagation.setBaggage(context.active(), baggage), () => channel.sendToQueue(queue, Buffer.from('x')));
    expect(await seen).toBe('acme');
  });

  it('nack without requeue into a dead-letter exchange: the dead-letter consumer sees how it died', async () => {
    const dlx = uniqueName('cw-dlx');
    const dlq = uniqueName('cw-dlq');
    const work = uniqueName('cw-work');
    await channel.assertExchange(dlx, 'fanout', { durable: false, autoDelete: true });
    await channel.assertQueue(dlq, { durable: false });
    await channel.bindQueue(dlq, dlx, '');
    await channel.assertQueue(work, { durable: false, deadLetterExchange: dlx });

    await channel.consume(work, (msg) => {
      if (msg) channel.nack(msg, false, false);
    });
    channel.sendToQueue(work, Buffer.from('poison'), { messageId: 'poison-1' });
    const dead = await consumeOne(dlq);
    expect(Array.isArray(dead.properties.headers?.['x-death'])).toBe(true);

    await vi.waitFor(() => expect(processSpans(dlq)).toHaveLength(1));
    const [deadProcess] = processSpans(dlq);
    expect(deadProcess?.attributes).toMatchObject({
      'causeway.dead_letter.count': 1,
      'causeway.dead_letter.reason': 'rejected',
      'causeway.dead_letter.original_queue': work,
      'causeway.dead_letter.original_exchange': '',
      'causeway.dead_letter.first_reason': 'rejected',
      'causeway.dead_letter.first_queue': work,
      'messaging.message.id': 'poison-1',
      'messaging.destination.name': `${dlx}:${work}:${dlq}`,
    });
    // Still the same trace: dead-lettering keeps the headers.
    const send = exporter.getFinishedSpans().find((span) => span.name === `send ${work}`);
    expect(deadProcess?.spanContext().traceId).toBe(send?.spanContext().traceId);
    const nacked = exporter.getFinishedSpans().find((span) => span.name === `process ${work}`);
    expect(nacked?.attributes).toMatchObject({ 'causeway.settle.operation': 'nack', 'causeway.settle.requeue': false });
  });
});
