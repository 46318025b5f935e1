/**
 * The callback API (`amqplib/callback_api`) against the real RabbitMQ: the same patch code runs
 * for both APIs, but channel creation, confirms and `get` take callbacks here.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import amqp from 'amqplib/callback_api';
import { context, propagation, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { services, uniqueName } from '../../../test/support/services.js';
import { instrumentAmqpChannel, instrumentAmqplib } from './index.js';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
let connection: amqp.Connection;

/** Node-style callback → promise, for the test's own sequencing only. */
function call<T>(fn: (cb: (err: unknown, value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));
}

beforeAll(async () => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
  connection = instrumentAmqplib(await call<amqp.Connection>((cb) => amqp.connect(services.amqpUrl, cb)), { tracerProvider: provider });
});

afterAll(async () => {
  if (connection) await call((cb) => connection.close((err) => cb(err, undefined)));
});

function spansNamed(name: string): ReadableSpan[] {
  return exporter.getFinishedSpans().filter((span) => span.name === name);
}

async function queueOn(channel: amqp.Channel, prefix: string): Promise<string> {
  const queue = uniqueName(prefix);
  await call((cb) => channel.assertQueue(queue, { durable: false }, cb));
  return queue;
}

describe('amqplib callback API', () => {
  it('publish → consume → ack: child process span that records the ack, channel from createChannel(cb)', async () => {
    const channel = await call<amqp.Channel>((cb) => connection.createChannel(cb));
    const queue = await queueOn(channel, 'cw-cb');
    const delivered = new Promise<amqp.Message>((resolve) => {
      channel.consume(queue, (msg) => {
        if (!msg) return;
        channel.ack(msg);
        resolve(msg);
      });
    });
    channel.sendToQueue(queue, Buffer.from('hello'), { messageId: 'cb-1' });
    await delivered;

    await vi.waitFor(() => expect(spansNamed(`process ${queue}`)).toHaveLength(1));
    const [send] = spansNamed(`send ${queue}`);
    const [process] = spansNamed(`process ${queue}`);
    expect(send?.kind).toBe(SpanKind.PRODUCER);
    expect(send?.attributes['messaging.message.id']).toBe('cb-1');
    expect(process?.parentSpanContext?.spanId).toBe(send?.spanContext().spanId);
    expect(process?.attributes['messaging.message.id']).toBe('cb-1');
    expect(process?.attributes['causeway.settle.operation']).toBe('ack');
    expect(spansNamed(`ack ${queue}`)).toHaveLength(0);
    await call((cb) => channel.close((err) => cb(err, undefined)));
  });

  it('confirm channel: the callback runs after the confirm, in the publisher’s context', async () => {
    const confirm = await call<amqp.ConfirmChannel>((cb) => connection.createConfirmChannel(cb));
    const queue = await queueOn(confirm, 'cw-cb-confirm');
    const activeInCallback = await new Promise<string | undefined>((resolve, reject) => {
      context.with(
        // The confirm arrives from the socket; the user's callback should see the publish context.
        propagation.setBaggage(context.active(), propagation.createBaggage({ step: { value: 'publish' } })),
        () =>
          confirm.publish('', queue, Buffer.from('x'), {}, (err) => {
            if (err) reject(err);
            else resolve(propagation.getActiveBaggage()?.getEntry('step')?.value);
          }),
      );
    });
    expect(activeInCallback).toBe('publish');
    await vi.waitFor(() => expect(spansNamed(`send ${queue}`)).toHaveLength(1));
    expect(spansNamed(`send ${queue}`)[0]?.status.code).toBe(SpanStatusCode.UNSET);
    await call((cb) => confirm.close((err) => cb(err, undefined)));
  });

  it('confirm channel without a callback: waitForConfirms still works and the span ends', async () => {
    const confirm = await call<amqp.ConfirmChannel>((cb) => connection.createConfirmChannel(cb));
    const queue = await queueOn(confirm, 'cw-cb-wait');
    confirm.sendToQueue(queue, Buffer.from('1'));
    confirm.sendToQueue(queue, Buffer.from('2'));
    await new Promise<void>((resolve, reject) => confirm.waitForConfirms((err) => (err ? reject(err) : resolve())));
    await vi.waitFor(() => expect(spansNamed(`send ${queue}`)).toHaveLength(2));
    await call((cb) => confirm.close((err) => cb(err, undefined)));
  });

  it('get(cb): a receive span that ends at ack', async () => {
    const channel = await call<amqp.Channel>((cb) => connection.createChannel(cb));
    const queue = await queueOn(channel, 'cw-cb-get');
    channel.sendToQueue(queue, Buffer.from('pull'));
    let message: amqp.GetMessage | false = false;
    await vi.waitFor(async () => {
      message = await call<amqp.GetMessage | false>((cb) => channel.get(queue, {}, cb));
      expect(message).not.toBe(false);
    });
    expect(spansNamed(`receive ${queue}`)).toHaveLength(0);
    channel.ack(message as unknown as amqp.GetMessage);
    await vi.waitFor(() => expect(spansNamed(`receive ${queue}`)).toHaveLength(1));
    expect(spansNamed(`receive ${queue}`)[0]?.parentSpanContext?.spanId).toBe(spansNamed(`send ${queue}`)[0]?.spanContext().spanId);
    await call((cb) => channel.close((err) => cb(err, undefined)));
  });

  it('instrumentAmqpChannel on a channel of an uninstrumented connection; twice traces once', async () => {
    const raw = await call<amqp.Connection>((cb) => amqp.connect(services.amqpUrl, cb));
    const channel = await call<amqp.Channel>((cb) => raw.createChannel(cb));
    instrumentAmqpChannel(instrumentAmqpChannel(channel, { tracerProvider: provider }), { tracerProvider: provider });
    const queue = await queueOn(channel, 'cw-cb-chan');
    const got = new Promise<void>((resolve) => {
      channel.consume(
        queue,
        (msg) => {
          if (msg) resolve();
        },
        { noAck: true },
      );
    });
    channel.sendToQueue(queue, Buffer.from('x'));
    await got;
    await vi.waitFor(() => expect(spansNamed(`process ${queue}`)).toHaveLength(1));
    expect(spansNamed(`send ${queue}`)).toHaveLength(1);
    await call((cb) => raw.close((err) => cb(err, undefined)));
  });
});
