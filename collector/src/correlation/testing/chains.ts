/**
 * Test fixtures: realistic spans of a three-service chain (orders publishes OrderPlaced →
 * payments consumes it and publishes PaymentAuthorized → shipping consumes that), in the styles
 * the collector must understand. Shared by the correlator and query API tests.
 */
import type { Attributes, SpanKindName, SpanLink, SpanRecord, StatusCodeName } from '../../model/span.js';

export interface SpanSpec {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: SpanKindName;
  service: string;
  /** Epoch ms. */
  start: number;
  end: number;
  status?: StatusCodeName;
  statusMessage?: string;
  attributes?: Attributes;
  links?: SpanLink[];
}

export function makeSpan(spec: SpanSpec): SpanRecord {
  const span: SpanRecord = {
    traceId: spec.traceId,
    spanId: spec.spanId,
    name: spec.name,
    kind: spec.kind,
    startTime: spec.start,
    endTime: spec.end,
    startTimeUnixNano: (BigInt(Math.round(spec.start * 1000)) * 1000n).toString(),
    durationMs: spec.end - spec.start,
    statusCode: spec.status ?? 'unset',
    service: spec.service,
    resource: { 'service.name': spec.service },
    scope: { name: 'fixture' },
    attributes: spec.attributes ?? {},
    links: spec.links ?? [],
    events: [],
  };
  if (spec.parentSpanId) span.parentSpanId = spec.parentSpanId;
  if (spec.statusMessage) span.statusMessage = spec.statusMessage;
  return span;
}

/** A 32-hex trace id / 16-hex span id that is unique per (seed, n) and readable in failures. */
export function traceIdOf(seed: number, n: number): string {
  return `${seed.toString(16).padStart(16, '0')}${n.toString(16).padStart(16, '0')}`;
}
export function spanIdOf(seed: number, n: number): string {
  return `${(seed % 0xffff).toString(16).padStart(4, '0')}${n.toString(16).padStart(12, '0')}`;
}

export interface Chain {
  spans: SpanRecord[];
  /** Event ids of the chain, as the correlator must name them. */
  orderEventIds: string[];
  paymentEventId: string;
}

const T0 = Date.UTC(2025, 0, 15, 10, 0, 0);

/**
 * Causeway SDK style: every span carries the message id, the follow-up publish names its causal
 * parent (`causeway.event.parent_id`), consumers settle with explicit ack spans.
 */
export function sdkChain(seed: number, base: number = T0): Chain {
  const trace = traceIdOf(seed, 1);
  const id = (n: number) => spanIdOf(seed, n);
  const orderId = `order-${seed}`;
  const paymentId = `payment-${seed}`;
  const spans = [
    makeSpan({
      traceId: trace, spanId: id(1), name: 'send orders', kind: 'producer', service: 'orders', start: base, end: base + 4,
      attributes: { 'messaging.system': 'kafka', 'messaging.operation.type': 'send', 'messaging.destination.name': 'orders', 'messaging.message.id': orderId, 'causeway.event.type': 'OrderPlaced', 'messaging.kafka.message.key': 'o-1' },
    }),
    makeSpan({
      traceId: trace, spanId: id(2), parentSpanId: id(1), name: 'process orders', kind: 'consumer', service: 'payments', start: base + 20, end: base + 60,
      attributes: { 'messaging.system': 'kafka', 'messaging.operation.type': 'process', 'messaging.destination.name': 'orders', 'messaging.message.id': orderId, 'messaging.consumer.group.name': 'payments', 'causeway.event.type': 'OrderPlaced', 'causeway.message.time_in_queue_ms': 15 },
    }),
    makeSpan({
      traceId: trace, spanId: id(3), parentSpanId: id(2), name: 'publish payments', kind: 'producer', service: 'payments', start: base + 40, end: base + 45,
      attributes: { 'messaging.system': 'rabbitmq', 'messaging.operation.type': 'send', 'messaging.destination.name': 'payments', 'messaging.message.id': paymentId, 'causeway.event.type': 'PaymentAuthorized', 'causeway.event.parent_id': orderId },
    }),
    makeSpan({
      traceId: trace, spanId: id(4), parentSpanId: id(3), name: 'process payments', kind: 'consumer', service: 'shipping', start: base + 80, end: base + 95,
      attributes: { 'messaging.system': 'rabbitmq', 'messaging.operation.type': 'process', 'messaging.destination.name': 'payments', 'messaging.message.id': paymentId, 'messaging.consumer.group.name': 'shipping', 'causeway.event.type': 'PaymentAuthorized' },
    }),
    makeSpan({
      traceId: trace, spanId: id(5), parentSpanId: id(4), name: 'ack payments', kind: 'client', service: 'shipping', start: base + 94, end: base + 95,
      attributes: { 'messaging.system': 'rabbitmq', 'messaging.operation.type': 'settle', 'messaging.operation.name': 'ack', 'messaging.destination.name': 'payments' },
    }),
  ];
  return { spans, orderEventIds: [orderId], paymentEventId: paymentId };
}

/**
 * Causeway SDK style where every consumer had to drop the incoming trace context (e.g. a bridge
 * mangled `traceparent`): each process span is a new root, tied to its event by message id only,
 * and shipping's follow-up is found through `causeway.event.parent_id` alone.
 */
export function sdkDroppedContextChain(seed: number, base: number = T0): Chain {
  const chain = sdkChain(seed, base);
  const [t2, t3] = [traceIdOf(seed, 10), traceIdOf(seed, 11)];
  const [orderSend, paymentsProcess, paymentSend, shippingProcess, ack] = chain.spans;
  const reroot = (span: SpanRecord, traceId: string, parentSpanId?: string): SpanRecord => {
    const copy: SpanRecord = { ...span, traceId, attributes: { ...span.attributes, 'causeway.context.dropped_reason': 'traceparent header malformed' } };
    if (parentSpanId) copy.parentSpanId = parentSpanId;
    else delete copy.parentSpanId;
    return copy;
  };
  const spans = [
    orderSend!,
    reroot(paymentsProcess!, t2),
    { ...paymentSend!, traceId: t2 },
    reroot(shippingProcess!, t3),
    { ...ack!, traceId: t3 },
  ];
  return { spans, orderEventIds: chain.orderEventIds, paymentEventId: chain.paymentEventId };
}

/**
 * Plain OpenTelemetry style (any language's messaging instrumentation): no message ids, no
 * Causeway attributes; the consumer continues the producer's trace; the follow-up publish sits
 * under a handler span; shipping fails.
 */
export function plainChain(seed: number, base: number = T0): Chain {
  const trace = traceIdOf(seed, 2);
  const id = (n: number) => spanIdOf(seed, n);
  const spans = [
    makeSpan({
      traceId: trace, spanId: id(1), name: 'orders publish', kind: 'producer', service: 'orders', start: base, end: base + 3,
      attributes: { 'messaging.system': 'kafka', 'messaging.operation': 'publish', 'messaging.destination.name': 'orders' },
    }),
    makeSpan({
      traceId: trace, spanId: id(2), parentSpanId: id(1), name: 'orders process', kind: 'consumer', service: 'payments', start: base + 10, end: base + 50,
      attributes: { 'messaging.system': 'kafka', 'messaging.operation': 'process', 'messaging.destination.name': 'orders', 'messaging.kafka.consumer.group': 'payments' },
    }),
    makeSpan({
      traceId: trace, spanId: id(3), parentSpanId: id(2), name: 'authorize payment', kind: 'internal', service: 'payments', start: base + 12, end: base + 48,
    }),
    makeSpan({
      traceId: trace, spanId: id(4), parentSpanId: id(3), name: 'payments publish', kind: 'producer', service: 'payments', start: base + 30, end: base + 33,
      attributes: { 'messaging.system': 'kafka', 'messaging.operation': 'publish', 'messaging.destination.name': 'payments' },
    }),
    makeSpan({
      traceId: trace, spanId: id(5), parentSpanId: id(4), name: 'payments process', kind: 'consumer', service: 'shipping', start: base + 70, end: base + 90,
      status: 'error', statusMessage: 'address missing',
      attributes: { 'messaging.system': 'kafka', 'messaging.operation': 'process', 'messaging.destination.name': 'payments', 'messaging.consumer.group.name': 'shipping' },
    }),
  ];
  return { spans, orderEventIds: [`${trace}-${id(1)}`], paymentEventId: `${trace}-${id(4)}` };
}

/**
 * Cross-trace style: each consumer starts a new trace and links to the producer span (what
 * instrumentations do when they do not continue the producer's trace). Shipping nacks with requeue.
 */
export function linkedChain(seed: number, base: number = T0): Chain {
  const [t1, t2, t3] = [traceIdOf(seed, 3), traceIdOf(seed, 4), traceIdOf(seed, 5)];
  const id = (n: number) => spanIdOf(seed, n);
  const spans = [
    makeSpan({
      traceId: t1, spanId: id(1), name: 'send orders', kind: 'producer', service: 'orders', start: base, end: base + 2,
      attributes: { 'messaging.system': 'rabbitmq', 'messaging.operation.type': 'send', 'messaging.destination.name': 'orders' },
    }),
    makeSpan({
      traceId: t2, spanId: id(2), name: 'process orders', kind: 'consumer', service: 'payments', start: base + 15, end: base + 40,
      attributes: { 'messaging.system': 'rabbitmq', 'messaging.operation.type': 'process', 'messaging.destination.name': 'orders' },
      links: [{ traceId: t1, spanId: id(1), attributes: {} }],
    }),
    makeSpan({
      traceId: t2, spanId: id(3), parentSpanId: id(2), name: 'send payments', kind: 'producer', service: 'payments', start: base + 30, end: base + 32,
      attributes: { 'messaging.system': 'rabbitmq', 'messaging.operation.type': 'send', 'messaging.destination.name': 'payments' },
    }),
    makeSpan({
      traceId: t3, spanId: id(4), name: 'process payments', kind: 'consumer', service: 'shipping', start: base + 50, end: base + 70,
      attributes: { 'messaging.system': 'rabbitmq', 'messaging.operation.type': 'process', 'messaging.destination.name': 'payments' },
      links: [{ traceId: t2, spanId: id(3), attributes: {} }],
    }),
    makeSpan({
      traceId: t3, spanId: id(5), parentSpanId: id(4), name: 'nack payments', kind: 'client', service: 'shipping', start: base + 69, end: base + 70,
      attributes: { 'messaging.system': 'rabbitmq', 'messaging.operation.type': 'settle', 'messaging.operation.name': 'nack', 'causeway.settle.requeue': true },
    }),
  ];
  return { spans, orderEventIds: [`${t1}-${id(1)}`], paymentEventId: `${t2}-${id(3)}` };
}

/**
 * Batch style: three orders published in three traces; payments handles them in one batch span
 * (`messaging.batch.message_count` = 3, one link per message) and publishes one payment; shipping
 * continues that trace and dead-letters the payment (reject without requeue).
 */
export function batchChain(seed: number, base: number = T0): Chain {
  const id = (n: number) => spanIdOf(seed, n);
  const orderTraces = [traceIdOf(seed, 6), traceIdOf(seed, 7), traceIdOf(seed, 8)];
  const batchTrace = traceIdOf(seed, 9);
  const orders = orderTraces.map((traceId, i) =>
    makeSpan({
      traceId, spanId: id(1 + i), name: 'send orders', kind: 'producer', service: 'orders', start: base + i * 5, end: base + i * 5 + 2,
      attributes: { 'messaging.system': 'kafka', 'messaging.operation.type': 'send', 'messaging.destination.name': 'orders', 'causeway.event.type': 'OrderPlaced' },
    }),
  );
  const spans = [
    ...orders,
    makeSpan({
      traceId: batchTrace, spanId: id(10), name: 'process orders', kind: 'consumer', service: 'payments', start: base + 30, end: base + 80,
      attributes: { 'messaging.system': 'kafka', 'messaging.operation.type': 'process', 'messaging.destination.name': 'orders', 'messaging.batch.message_count': 3, 'messaging.consumer.group.name': 'payments' },
      links: orders.map((o) => ({ traceId: o.traceId, spanId: o.spanId, attributes: {} })),
    }),
    makeSpan({
      traceId: batchTrace, spanId: id(11), parentSpanId: id(10), name: 'send payments', kind: 'producer', service: 'payments', start: base + 70, end: base + 72,
      attributes: { 'messaging.system': 'rabbitmq', 'messaging.operation.type': 'send', 'messaging.destination.name': 'payments', 'causeway.event.type': 'PaymentAuthorized' },
    }),
    makeSpan({
      traceId: batchTrace, spanId: id(12), parentSpanId: id(11), name: 'process payments', kind: 'consumer', service: 'shipping', start: base + 100, end: base + 110,
      attributes: { 'messaging.system': 'rabbitmq', 'messaging.operation.type': 'process', 'messaging.destination.name': 'payments' },
    }),
    makeSpan({
      traceId: batchTrace, spanId: id(13), parentSpanId: id(12), name: 'reject payments', kind: 'client', service: 'shipping', start: base + 109, end: base + 110,
      attributes: { 'messaging.system': 'rabbitmq', 'messaging.operation.type': 'settle', 'messaging.operation.name': 'reject', 'causeway.settle.requeue': false },
    }),
  ];
  return { spans, orderEventIds: orders.map((o) => `${o.traceId}-${o.spanId}`), paymentEventId: `${batchTrace}-${id(11)}` };
}

export const CHAIN_STYLES = { sdk: sdkChain, sdkDroppedContext: sdkDroppedContextChain, plain: plainChain, linked: linkedChain, batch: batchChain } as const;
