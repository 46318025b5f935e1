/**
 * Zero-code path: `CausewayAmqplibInstrumentation` patches amqplib when it is loaded, through the
 * real require hook, for both `require('amqplib')` and `import('amqplib/callback_api')`. amqplib
 * is deliberately not imported statically here, so the first load happens after `enable()`.
 * Also: a broken tracer provider must not change what the application's calls do.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { context, propagation, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type * as Amqplib from 'amqplib';
import type * as AmqplibCallback from 'amqplib/callback_api';
import { services, uniqueName } from '../../../test/support/services.js';
import { CausewayAmqplibInstrumentation, instrumentAmqplib } from './index.js';

const require = createRequire(import.meta.url);
/** amqplib's `exports` map hides lib/, so reach the loaded model file by its path. */
function channelModel(): { Channel: { prototype: Record<string, { __wrapped?: boolean }> } } {
  return require(join(dirname(require.resolve('amqplib')), 'lib', 'channel_model.js'));
}
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
let instrumentation: CausewayAmqplibInstrumentation;
const closers: Array<() => Promise<unknown>> = [];

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  // Whatever loaded amqplib before (nothing should have) must not hide the load from the hook.
  for (const key of Object.keys(require.cache)) if (key.includes('/node_modules/amqplib/')) delete require.cache[key];
  instrumentation = new CausewayAmqplibInstrumentation({ tracerProvider: provider });
});

afterAll(async () => {
  for (const close of closers) await close();
  instrumentation?.disable();
});

function spansNamed(name: string) {
  return exporter.getFinishedSpans().filter((span) => span.name === name);
}

describe('CausewayAmqplibInstrumentation', () => {
  it('patches the promise API on require: channels trace without any wrapper', async () => {
    const amqp = require('amqplib') as typeof Amqplib;
    expect(channelModel().Channel.prototype['publish']?.__wrapped).toBe(true);

    const connection = await amqp.connect(services.amqpUrl);
    closers.push(() => connection.close());
    const channel = await connection.createChannel();
    const queue = uniqueName('cw-zero');
    await channel.assertQueue(queue, { durable: false });
    await channel.consume(queue, (msg) => {
      if (msg) channel.ack(msg);
    });
    channel.sendToQueue(queue, Buffer.from('x'));
    await vi.waitFor(() => expect(spansNamed(`process ${queue}`)).toHaveLength(1));
    // Once each, though ConfirmChannel/Channel and sendToQueue/publish call into each other.
    expect(spansNamed(`send ${queue}`)).toHaveLength(1);
    expect(spansNamed(`process ${queue}`)[0]?.attributes['causeway.settle.operation']).toBe('ack');
    expect(spansNamed(`process ${queue}`)[0]?.parentSpanContext?.spanId).toBe(spansNamed(`send ${queue}`)[0]?.spanContext().spanId);
  });

  it('patches the callback API loaded through an ESM import, confirm channels included', async () => {
    const amqp = (await import('amqplib/callback_api')).default;
    const connection = await new Promise<AmqplibCallback.Connection>((resolve, reject) => amqp.connect(services.amqpUrl, (err, c) => (err ? reject(err) : resolve(c))));
    closers.push(() => new Promise((resolve) => connection.close(resolve)));
    const confirm = await new Promise<AmqplibCallback.ConfirmChannel>((resolve, reject) => connection.createConfirmChannel((err, ch) => (err ? reject(err) : resolve(ch))));
    const queue = uniqueName('cw-zero-cb');
    await new Promise((resolve, reject) => confirm.assertQueue(queue, { durable: false }, (err, ok) => (err ? reject(err) : resolve(ok))));
    await new Promise<void>((resolve, reject) => confirm.sendToQueue(queue, Buffer.from('x'), {}, (err) => (err ? reject(err) : resolve())));
    await vi.waitFor(() => expect(spansNamed(`send ${queue}`)).toHaveLength(1));
  });

  it('an explicit wrapper on a patched channel takes over, and the call is traced once', async () => {
    const amqp = require('amqplib') as typeof Amqplib;
    const ownExporter = new InMemorySpanExporter();
    const own = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(ownExporter)] });
    const connection = instrumentAmqplib(await amqp.connect(services.amqpUrl), { tracerProvider: own });
    closers.push(() => connection.close());
    const channel = await connection.createChannel();
    const queue = uniqueName('cw-both');
    await channel.assertQueue(queue, { durable: false });
    channel.sendToQueue(queue, Buffer.from('x'));
    await vi.waitFor(() => expect(ownExporter.getFinishedSpans().filter((s) => s.name === `send ${queue}`)).toHaveLength(1));
    expect(spansNamed(`send ${queue}`)).toHaveLength(0);
  });

  it('a tracer provider that throws changes nothing for the application', async () => {
    const amqp = require('amqplib') as typeof Amqplib;
    const failing: Tracer = {
      startSpan: () => {
        throw new Error('tracer broken');
      },
      startActiveSpan: () => {
        throw new Error('tracer broken');
      },
    };
    const broken: TracerProvider = { getTracer: () => failing };
    const connection = instrumentAmqplib(await amqp.connect(services.amqpUrl), { tracerProvider: broken });
    closers.push(() => connection.close());
    const channel = await connection.createChannel();
    const queue = uniqueName('cw-broken');
    await channel.assertQueue(queue, { durable: false });
    expect(channel.sendToQueue(queue, Buffer.from('still sent'))).toBe(true);
    const received = await new Promise<Amqplib.ConsumeMessage>((resolve) => {
      void channel.consume(queue, (msg) => {
        if (msg) resolve(msg);
      });
    });
    expect(received.content.toString()).toBe('still sent');
    expect(() => channel.ack(received)).not.toThrow();
    expect(await channel.get(queue)).toBe(false);
  });

  it('disable() restores the original methods', async () => {
    const model = channelModel();
    instrumentation.disable();
    expect(model.Channel.prototype['publish']?.__wrapped).toBeUndefined();
    instrumentation.enable();
    expect(model.Channel.prototype['publish']?.__wrapped).toBe(true);
  });
});
