/**
 * The pure parts of the adapter: destination names, x-death parsing and the bound on open
 * deliveries (10 000 real unsettled messages per test would only make the test slow).
 */
import { describe, expect, it } from 'vitest';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { consumeDestination, publishDestination, spanName } from './destination.js';
import { deadLetterAttributes } from './dead-letter.js';
import { OpenDeliveries } from './open-deliveries.js';
import { endUnsettled } from './delivery.js';
import { wrapConsume } from './consume.js';
import type { Delivery } from './shapes.js';

describe('RabbitMQ destination names (semconv v1.44)', () => {
  it('producer: exchange:routing key, either alone, or amq.default', () => {
    expect(publishDestination('orders', 'created').name).toBe('orders:created');
    expect(publishDestination('', 'work-queue').name).toBe('work-queue');
    expect(publishDestination('fanout-ex', '').name).toBe('fanout-ex');
    expect(publishDestination('', '').name).toBe('amq.default');
  });

  it('consumer: exchange:routing key:queue, empty parts dropped, routing key = queue kept once', () => {
    expect(consumeDestination('orders', 'created', 'billing').name).toBe('orders:created:billing');
    expect(consumeDestination('', 'work-queue', 'work-queue').name).toBe('work-queue');
    expect(consumeDestination('logs', '', 'audit').name).toBe('logs:audit');
  });

  it('server-named queues stay out of span names', () => {
    const destination = consumeDestination('logs', '', 'amq.gen-JzTY20BRgKO-HjmUJj0wLg');
    expect(destination).toMatchObject({ name: 'logs:amq.gen-JzTY20BRgKO-HjmUJj0wLg', anonymous: true });
    expect(spanName('process', destination)).toBe('process logs');
    expect(spanName('publish', publishDestination('', 'amq.rabbitmq.reply-to.g1h2AA'))).toBe('publish');
  });
});

describe('x-death', () => {
  it('sums the counts, takes reason/queue/exchange from the latest death', () => {
    const headers = {
      'x-death': [
        { count: 2, reason: 'expired', queue: 'retry-delay', exchange: 'retry', 'routing-keys': ['work'], time: { '!': 'timestamp', value: 1 } },
        { count: 3, reason: 'rejected', queue: 'work', exchange: '' },
      ],
      'x-first-death-reason': 'rejected',
      'x-first-death-queue': 'work',
      'x-first-death-exchange': '',
    };
    expect(deadLetterAttributes(headers)).toEqual({
      'causeway.dead_letter.count': 5,
      'causeway.dead_letter.reason': 'expired',
      'causeway.dead_letter.original_queue': 'retry-delay',
      'causeway.dead_letter.original_exchange': 'retry',
      'causeway.dead_letter.first_reason': 'rejected',
      'causeway.dead_letter.first_queue': 'work',
      'causeway.dead_letter.first_exchange': '',
    });
  });

  it('falls back to x-first-death-* and ignores values that are not what the broker sends', () => {
    expect(deadLetterAttributes({ 'x-first-death-reason': 'maxlen', 'x-first-death-queue': 'q' })).toEqual({
      'causeway.dead_letter.count': 1,
      'causeway.dead_letter.reason': 'maxlen',
      'causeway.dead_letter.original_queue': 'q',
      'causeway.dead_letter.first_reason': 'maxlen',
      'causeway.dead_letter.first_queue': 'q',
    });
    expect(deadLetterAttributes({ 'x-death': 'nonsense' })).toEqual({});
    expect(deadLetterAttributes({ 'x-death': [{ count: -4, reason: { nested: true }, queue: 12 }, null] })).toEqual({});
    expect(deadLetterAttributes({ 'x-death': [{ count: 1, reason: 'x'.repeat(10_000) }] })).toEqual({ 'causeway.dead_letter.count': 1 });
    expect(deadLetterAttributes(undefined)).toEqual({});
  });
});

describe('open deliveries', () => {
  const exporter = new InMemorySpanExporter();
  const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer('test');

  function delivery(tag: number): Delivery & { deliveryTag: number } {
    return {
      span: tracer.startSpan(`process ${tag}`),
      context: ROOT_CONTEXT,
      deliveryTag: tag,
      destination: { name: 'q', spanName: 'q', anonymous: false },
      queue: 'q',
      eventId: undefined,
      telemetry: { options: {}, tracer: () => tracer },
      handlerDone: true,
      settled: false,
      ended: false,
    };
  }

  it('past the cap the oldest is handed back, and ending it says why', () => {
    exporter.reset();
    const open = new OpenDeliveries(3);
    expect([1, 2, 3].map((tag) => open.add(delivery(tag)))).toEqual([undefined, undefined, undefined]);
    const evicted = open.add(delivery(4));
    expect(evicted?.deliveryTag).toBe(1);
    expect(open.size).toBe(3);
    endUnsettled(evicted!, 'too_many_open');
    expect(exporter.getFinishedSpans().map((span) => [span.name, span.attributes['causeway.settle.unsettled_reason']])).toEqual([['process 1', 'too_many_open']]);
  });

  it('covers one tag, everything up to a tag, or everything for tag 0 with multiple', () => {
    const open = new OpenDeliveries();
    for (const tag of [5, 6, 7, 8]) open.add(delivery(tag));
    expect(open.covered(6, false).map((d) => d.deliveryTag)).toEqual([6]);
    expect(open.covered(7, true).map((d) => d.deliveryTag)).toEqual([5, 6, 7]);
    expect(open.covered(0, true).map((d) => d.deliveryTag)).toEqual([5, 6, 7, 8]);
    expect(open.covered(99, false)).toEqual([]);
    expect(open.covered('7', true)).toEqual([]);
  });
});

describe('consume callback that returns a promise', () => {
  // amqplib ignores the callback's return value, so a rejection cannot be observed through the
  // broker without failing the run as an unhandled rejection; the wrapper is driven directly.
  it('records the rejection and hands back a promise rejecting with the same error', async () => {
    const exporter = new InMemorySpanExporter();
    const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer('test');
    let registered: ((message: unknown) => unknown) | undefined;
    const consume = wrapConsume(
      function (this: unknown, _queue: unknown, callback: (message: unknown) => unknown) {
        registered = callback;
        return 'consume-result';
      },
      () => ({ options: {}, tracer: () => tracer }),
    );
    const channel = {};
    const boom = new Error('async failure');
    expect(consume.call(channel, 'q', async () => Promise.reject(boom), { noAck: true })).toBe('consume-result');
    const returned = registered!({ fields: { deliveryTag: 1, redelivered: false, exchange: '', routingKey: 'q' }, properties: { headers: {} }, content: Buffer.from('x') });
    await expect(returned).rejects.toBe(boom);
    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe('process q');
    expect(span?.status).toMatchObject({ code: 2, message: 'async failure' });
  });
});
