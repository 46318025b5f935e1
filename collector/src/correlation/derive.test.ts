import { describe, expect, it } from 'vitest';
import type { SpanRecord } from '../model/span.js';
import { deriveRecords } from './derive.js';
import { deliveryOutcome, settlementOutcome } from './deliveries.js';
import { messagingRole } from './span-roles.js';
import { batchChain, linkedChain, makeSpan, plainChain, sdkChain, spanIdOf, traceIdOf } from './testing/chains.js';

const derive = (owned: SpanRecord[], context: SpanRecord[] = []) => deriveRecords({ owned, context });
const byService = <T extends { service: string }>(items: T[], service: string) => items.filter((d) => d.service === service);

describe('deriveRecords: Causeway SDK spans', () => {
  const chain = sdkChain(1);
  const { events, deliveries, edges } = derive(chain.spans);

  it('names events by message id and reads type, system, destination and send timing from the producer span', () => {
    expect(events.map((e) => e.id).sort()).toEqual(['order-1', 'payment-1']);
    const order = events.find((e) => e.id === 'order-1');
    expect(order).toMatchObject({
      type: 'OrderPlaced',
      system: 'kafka',
      destination: 'orders',
      producerService: 'orders',
      traceId: chain.spans[0]!.traceId,
      spanId: chain.spans[0]!.spanId,
      publishedAt: chain.spans[0]!.startTime,
      sendDurationMs: 4,
      sendError: false,
    });
    expect(order?.attributes['messaging.kafka.message.key']).toBe('o-1');
  });

  it('derives one delivery per consumer with group, timings and queue time from the producer span', () => {
    expect(deliveries).toHaveLength(2);
    const [payments] = byService(deliveries, 'payments');
    expect(payments).toMatchObject({
      id: `order-1|${chain.spans[1]!.traceId}-${chain.spans[1]!.spanId}`,
      eventId: 'order-1',
      group: 'payments',
      system: 'kafka',
      destination: 'orders',
      outcome: 'ok',
      durationMs: 40,
      // From the producer span (20 ms), not the consumer's hint (15 ms): both ends are known.
      queueMs: 20,
    });
    const [shipping] = byService(deliveries, 'shipping');
    expect(shipping).toMatchObject({ eventId: 'payment-1', outcome: 'ok', group: 'shipping', queueMs: 40 });
    expect(shipping?.attributes['causeway.settle.operation']).toBe('ack');
  });

  it('takes the causal edge from causeway.event.parent_id', () => {
    expect(edges).toEqual([{ id: 'order-1>payment-1', from: 'order-1', to: 'payment-1', at: chain.spans[2]!.startTime, via: 'attribute' }]);
  });

  it('uses the consumer time-in-queue hint when the producer span is not loaded', () => {
    const { deliveries: onlyConsumer } = derive([chain.spans[1]!]);
    expect(onlyConsumer).toHaveLength(1);
    expect(onlyConsumer[0]).toMatchObject({ eventId: 'order-1', queueMs: 15 });
  });

  it('answers the edge from the attribute even when the spans between are missing', () => {
    const { edges: fromAttribute } = derive([chain.spans[2]!]);
    expect(fromAttribute.map((e) => e.id)).toEqual(['order-1>payment-1']);
  });
});

describe('deriveRecords: plain OpenTelemetry spans', () => {
  const chain = plainChain(2);
  const { events, deliveries, edges } = derive(chain.spans);

  it('names events after their producer span and understands the older messaging.operation attribute', () => {
    expect(events.map((e) => e.id).sort()).toEqual([...chain.orderEventIds, chain.paymentEventId].sort());
    expect(events.every((e) => e.type === undefined && e.system === 'kafka')).toBe(true);
  });

  it('ties a consumer to the producer it is a child of, and reads the older Kafka group attribute', () => {
    expect(byService(deliveries, 'payments')[0]).toMatchObject({ eventId: chain.orderEventIds[0], group: 'payments', outcome: 'ok', queueMs: 10 });
    expect(byService(deliveries, 'payments')[0]?.attributes['causeway.correlation.via']).toBe('parent');
  });

  it('marks a failed process span without settlement as error', () => {
    expect(byService(deliveries, 'shipping')[0]).toMatchObject({ eventId: chain.paymentEventId, outcome: 'error' });
    expect(byService(deliveries, 'shipping')[0]?.attributes['status.message']).toBe('address missing');
  });

  it('walks up through handler spans to the process span for the causal edge', () => {
    expect(edges).toEqual([
      expect.objectContaining({ from: chain.orderEventIds[0], to: chain.paymentEventId, via: 'span-tree' }),
    ]);
  });

  it('derives no edge while the ancestor chain is broken, and the right one once it is whole', () => {
    const withoutHandler = chain.spans.filter((s) => s.name !== 'authorize payment');
    expect(derive(withoutHandler).edges).toEqual([]);
    expect(derive(chain.spans).edges).toHaveLength(1);
  });
});

describe('deriveRecords: consumers linked across traces', () => {
  const chain = linkedChain(3);

  it('ties consumers to linked producer spans in other traces and tags the edge as link', () => {
    const { deliveries, edges } = derive(chain.spans);
    expect(byService(deliveries, 'payments')[0]).toMatchObject({ eventId: chain.orderEventIds[0], outcome: 'ok', queueMs: 15 });
    expect(byService(deliveries, 'shipping')[0]).toMatchObject({ eventId: chain.paymentEventId, outcome: 'retried' });
    expect(edges).toEqual([expect.objectContaining({ from: chain.orderEventIds[0], to: chain.paymentEventId, via: 'link' })]);
  });

  it('reads link targets given as context without deriving records from them', () => {
    const [order, paymentsProcess, paymentSend] = chain.spans;
    const { events, deliveries, edges } = derive([paymentsProcess!, paymentSend!], [order!]);
    expect(events.map((e) => e.id)).toEqual([chain.paymentEventId]);
    expect(deliveries.map((d) => d.eventId)).toEqual([chain.orderEventIds[0]]);
    expect(edges.map((e) => e.from)).toEqual([chain.orderEventIds[0]]);
  });

  it('does not tie a consumer to a link whose target is not loaded yet', () => {
    const { deliveries, edges } = derive([chain.spans[1]!, chain.spans[2]!]);
    expect(deliveries).toEqual([]);
    expect(edges).toEqual([]);
  });
});

describe('deriveRecords: batch consumers', () => {
  const chain = batchChain(4);
  const { events, deliveries, edges } = derive(chain.spans);

  it('derives one delivery per linked message of the batch span', () => {
    const payments = byService(deliveries, 'payments');
    expect(payments.map((d) => d.eventId).sort()).toEqual([...chain.orderEventIds].sort());
    // A batch span's consumer-side hints cannot be split per message; producer spans give queue time.
    expect(payments.map((d) => d.queueMs).sort((a, b) => a! - b!)).toEqual([20, 25, 30]);
    expect(new Set(payments.map((d) => d.id)).size).toBe(3);
  });

  it('links every message of the batch to what the batch published', () => {
    expect(edges.map((e) => e.from).sort()).toEqual([...chain.orderEventIds].sort());
    expect(edges.every((e) => e.to === chain.paymentEventId && e.via === 'link')).toBe(true);
  });

  it('reports a reject without requeue as dead-lettered', () => {
    expect(byService(deliveries, 'shipping')[0]).toMatchObject({ eventId: chain.paymentEventId, outcome: 'dead-lettered' });
    expect(events).toHaveLength(4);
  });
});

describe('deriveRecords: edge cases', () => {
  const trace = traceIdOf(9, 1);
  const producer = (n: number, start: number, extra: Record<string, string> = {}) =>
    makeSpan({
      traceId: trace, spanId: spanIdOf(9, n), name: 'send t', kind: 'producer', service: 'svc', start, end: start + 1,
      attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': 't', ...extra },
    });

  it('picks the earliest publish of a message id as the event, whichever spans are owned', () => {
    const first = producer(1, 1000, { 'messaging.message.id': 'm-1' });
    const retry = producer(2, 2000, { 'messaging.message.id': 'm-1' });
    expect(derive([retry, first]).events).toEqual([expect.objectContaining({ id: 'm-1', spanId: first.spanId, publishedAt: 1000 })]);
    expect(derive([retry], [first]).events).toEqual([]);
    expect(derive([first], [retry]).events).toEqual([expect.objectContaining({ spanId: first.spanId })]);
  });

  it('derives each record once when a span is given twice', () => {
    const chain = sdkChain(5);
    const once = derive(chain.spans);
    const twice = derive([...chain.spans, ...chain.spans.map((s) => structuredClone(s))], chain.spans);
    expect(twice).toEqual(once);
  });

  it('ignores a parent_id naming the event itself', () => {
    expect(derive([producer(3, 1000, { 'messaging.message.id': 'm-3', 'causeway.event.parent_id': 'm-3' })]).edges).toEqual([]);
  });

  it('survives a parent cycle in corrupt data', () => {
    const a = makeSpan({ traceId: trace, spanId: spanIdOf(9, 10), parentSpanId: spanIdOf(9, 11), name: 'a', kind: 'internal', service: 's', start: 1, end: 2 });
    const b = makeSpan({ traceId: trace, spanId: spanIdOf(9, 11), parentSpanId: spanIdOf(9, 10), name: 'b', kind: 'internal', service: 's', start: 1, end: 2 });
    const send = producer(12, 5);
    send.parentSpanId = a.spanId;
    expect(derive([a, b, send]).edges).toEqual([]);
  });

  it('treats a batch send linking its per-message create spans as no event of its own', () => {
    const create = producer(20, 1000);
    create.attributes['messaging.operation.type'] = 'create';
    const send = producer(21, 1001);
    send.attributes['messaging.operation.type'] = 'send';
    send.attributes['messaging.batch.message_count'] = 1;
    send.links = [{ traceId: trace, spanId: create.spanId, attributes: {} }];
    expect(derive([create, send]).events.map((e) => e.spanId)).toEqual([create.spanId]);
  });

  it('clamps a negative queue time (clock skew between hosts) to zero', () => {
    const send = producer(30, 5000, { 'messaging.message.id': 'm-30' });
    const consume = makeSpan({
      traceId: trace, spanId: spanIdOf(9, 31), parentSpanId: send.spanId, name: 'process t', kind: 'consumer', service: 'c', start: 4990, end: 5000,
      attributes: { 'messaging.system': 'kafka', 'messaging.message.id': 'm-30' },
    });
    expect(derive([send, consume]).deliveries[0]?.queueMs).toBe(0);
  });

  it('records a delivery for an event whose producer was never seen', () => {
    const consume = makeSpan({
      traceId: trace, spanId: spanIdOf(9, 40), name: 'process t', kind: 'consumer', service: 'c', start: 5000, end: 5010,
      attributes: { 'messaging.system': 'rabbitmq', 'messaging.message.id': 'ext-1', 'causeway.message.published_at_ms': 4900, 'causeway.event.type': 'External' },
    });
    const { events, deliveries } = derive([consume]);
    expect(events).toEqual([]);
    expect(deliveries).toEqual([expect.objectContaining({ eventId: 'ext-1', queueMs: 100 })]);
    expect(deliveries[0]?.attributes['causeway.event.type']).toBe('External');
  });
});

describe('messagingRole', () => {
  const spanWith = (kind: SpanRecord['kind'], attributes: Record<string, string> = {}) =>
    makeSpan({ traceId: traceIdOf(1, 1), spanId: spanIdOf(1, 1), name: 'x', kind, service: 's', start: 0, end: 1, attributes });

  it.each([
    ['producer', {}, 'producer'],
    ['client', { 'messaging.operation.type': 'send' }, 'producer'],
    ['producer', { 'messaging.operation.type': 'create' }, 'producer'],
    ['client', { 'messaging.operation': 'publish' }, 'producer'],
    ['consumer', {}, 'consumer'],
    ['client', { 'messaging.operation.type': 'receive' }, 'consumer'],
    ['consumer', { 'messaging.operation.type': 'deliver' }, 'consumer'],
    ['client', { 'messaging.operation.type': 'settle' }, 'settle'],
    ['consumer', { 'messaging.operation.type': 'settle' }, 'settle'],
    ['internal', {}, 'other'],
    ['server', { 'messaging.operation.type': 'weird' }, 'other'],
  ] as const)('%s span with %o is %s', (kind, attributes, role) => {
    expect(messagingRole(spanWith(kind, attributes))).toBe(role);
  });
});

describe('delivery outcome', () => {
  const settle = (name: string, requeue?: boolean) =>
    makeSpan({
      traceId: traceIdOf(1, 1), spanId: spanIdOf(1, 2), name: `${name} q`, kind: 'client', service: 's', start: 0, end: 1,
      attributes: requeue === undefined ? { 'messaging.operation.type': 'settle' } : { 'messaging.operation.type': 'settle', 'causeway.settle.requeue': requeue },
    });
  const process = (status: 'unset' | 'error') =>
    makeSpan({ traceId: traceIdOf(1, 1), spanId: spanIdOf(1, 3), name: 'process q', kind: 'consumer', service: 's', start: 0, end: 1, status });

  it.each([
    ['ack', undefined, 'ok'],
    ['nack', true, 'retried'],
    ['nack', false, 'dead-lettered'],
    ['reject', undefined, 'dead-lettered'],
    ['complete', undefined, 'ok'],
    ['abandon', undefined, 'retried'],
    ['defer', undefined, undefined],
  ] as const)('%s (requeue %s) settles as %s', (name, requeue, outcome) => {
    expect(settlementOutcome(settle(name, requeue))).toBe(outcome);
  });

  it('lets a requeue or dead-lettering win over a failed span, and a failure win over an ack', () => {
    expect(deliveryOutcome(process('error'), settle('nack', true))).toBe('retried');
    expect(deliveryOutcome(process('error'), settle('reject', false))).toBe('dead-lettered');
    expect(deliveryOutcome(process('error'), settle('ack'))).toBe('error');
    expect(deliveryOutcome(process('error'), undefined)).toBe('error');
    expect(deliveryOutcome(process('unset'), undefined)).toBe('ok');
  });
});

describe('deriveRecords: RabbitMQ exchange routing', () => {
  // Producers name `{exchange}:{routing key}`, consumers `{exchange}:{routing key}:{queue}`.
  const traceId = traceIdOf(90, 1);
  const send = makeSpan({
    traceId, spanId: spanIdOf(90, 1), name: 'send shop:order.placed', kind: 'producer', service: 'orders', start: 1_000, end: 1_002,
    attributes: { 'messaging.system': 'rabbitmq', 'messaging.operation.type': 'send', 'messaging.destination.name': 'shop:order.placed', 'messaging.message.id': 'm-1' },
  });
  const process = makeSpan({
    traceId, spanId: spanIdOf(90, 2), parentSpanId: send.spanId, name: 'process shop:order.placed:billing', kind: 'consumer', service: 'billing', start: 1_010, end: 1_020,
    attributes: { 'messaging.system': 'rabbitmq', 'messaging.operation.type': 'process', 'messaging.destination.name': 'shop:order.placed:billing', 'messaging.consumer.group.name': 'billing', 'messaging.message.id': 'm-1' },
  });

  it('files the delivery under the event destination so producers and consumers meet in the topology', () => {
    const { deliveries } = derive([send, process]);
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ destination: 'shop:order.placed', group: 'billing' });
    expect(deliveries[0]!.attributes['messaging.destination.name']).toBe('shop:order.placed:billing');
  });

  it("keeps the consumer's own destination until the producer span is known", () => {
    const { deliveries } = derive([process]);
    expect(deliveries[0]?.destination).toBe('shop:order.placed:billing');
  });
});

describe('settlement recorded on the process span (causeway.settle.*, no settle span)', () => {
  // The same RabbitMQ delivery twice: settled by a separate settle span (older SDKs, other
  // instrumentations) and by attributes on the process span (the SDK's default now).
  type Settlement = { operation: 'ack' | 'nack' | 'reject'; requeue: boolean };
  const seed = 70;
  const send = makeSpan({
    traceId: traceIdOf(seed, 1), spanId: spanIdOf(seed, 1), name: 'send orders', kind: 'producer', service: 'orders', start: 1_000, end: 1_002,
    attributes: { 'messaging.system': 'rabbitmq', 'messaging.operation.type': 'send', 'messaging.destination.name': 'orders', 'messaging.message.id': 'rm-1' },
  });
  const processSpan = (status: 'unset' | 'error', extra: Record<string, unknown> = {}) =>
    makeSpan({
      traceId: send.traceId, spanId: spanIdOf(seed, 2), parentSpanId: send.spanId, name: 'process orders', kind: 'consumer', service: 'billing', start: 1_010, end: 1_030, status,
      ...(status === 'error' ? { statusMessage: 'card declined' } : {}),
      attributes: {
        'messaging.system': 'rabbitmq', 'messaging.operation.type': 'process', 'messaging.destination.name': 'orders', 'messaging.consumer.group.name': 'billing',
        'messaging.message.id': 'rm-1', ...extra,
      },
    });
  const settleSpan = ({ operation, requeue }: Settlement) =>
    makeSpan({
      traceId: send.traceId, spanId: spanIdOf(seed, 3), parentSpanId: spanIdOf(seed, 2), name: `${operation} orders`, kind: 'client', service: 'billing', start: 1_029, end: 1_030,
      attributes: { 'messaging.system': 'rabbitmq', 'messaging.operation.type': 'settle', 'messaging.operation.name': operation, 'causeway.settle.requeue': requeue },
    });
  const asSpan = (status: 'unset' | 'error', settlement: Settlement) => derive([send, processSpan(status), settleSpan(settlement)]);
  const asAttributes = (status: 'unset' | 'error', settlement: Settlement) =>
    derive([send, processSpan(status, { 'causeway.settle.operation': settlement.operation, 'causeway.settle.requeue': settlement.requeue })]);

  it.each([
    ['unset', 'ack', false, 'ok'],
    ['error', 'ack', false, 'error'],
    ['error', 'nack', true, 'retried'],
    ['error', 'nack', false, 'dead-lettered'],
    ['unset', 'reject', false, 'dead-lettered'],
    ['error', 'reject', true, 'retried'],
  ] as const)('a %s process span settled by %s (requeue %s) is %s, as with a settle span', (status, operation, requeue, outcome) => {
    const fromAttributes = asAttributes(status, { operation, requeue });
    const fromSpan = asSpan(status, { operation, requeue });
    expect(fromAttributes.deliveries).toHaveLength(1);
    expect(fromAttributes.deliveries[0]?.outcome).toBe(outcome);
    expect(fromAttributes.deliveries[0]?.attributes['causeway.settle.operation']).toBe(operation);
    expect(fromAttributes.deliveries).toEqual(fromSpan.deliveries);
  });

  it('derives the same dead letter from a reject on the process span as from a reject span', () => {
    const fromAttributes = asAttributes('error', { operation: 'reject', requeue: false }).deadLetters ?? [];
    const fromSpan = asSpan('error', { operation: 'reject', requeue: false }).deadLetters ?? [];
    expect(fromAttributes).toHaveLength(1);
    expect(fromAttributes[0]).toMatchObject({
      id: 'rm-1|billing',
      deadLetter: { reason: 'rejected', convention: 'settlement' },
      origin: { destination: 'orders', group: 'billing', service: 'billing' },
      error: { message: 'card declined' },
      deadLetteredAt: 1_030,
    });
    expect(fromAttributes).toEqual(fromSpan);
  });

  it('records no dead letter for a requeued nack or an ack on the process span', () => {
    expect(asAttributes('error', { operation: 'nack', requeue: true }).deadLetters ?? []).toEqual([]);
    expect(asAttributes('unset', { operation: 'ack', requeue: false }).deadLetters ?? []).toEqual([]);
  });

  it('lets a separate settle span decide when a process span carries both', () => {
    const process = processSpan('unset', { 'causeway.settle.operation': 'ack', 'causeway.settle.requeue': false });
    const { deliveries } = derive([send, process, settleSpan({ operation: 'nack', requeue: true })]);
    expect(deliveries[0]).toMatchObject({ outcome: 'retried', attributes: { 'causeway.settle.operation': 'nack' } });
  });

  it('reads no settlement from a process span without causeway.settle.operation', () => {
    const { deliveries } = derive([send, processSpan('unset', { 'causeway.settle.requeue': true })]);
    expect(deliveries[0]?.outcome).toBe('ok');
    expect(deliveries[0]?.attributes['causeway.settle.operation']).toBeUndefined();
  });
});
