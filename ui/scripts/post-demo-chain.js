#!/usr/bin/env node
// @ts-check
/**
 * Development data for the UI: posts realistic OTLP/JSON spans of an event-driven shop to a
 * running collector, as the Causeway SDK would record them (`messaging.*` and `causeway.event.*`
 * attributes, consumers as children of the producer span, settle spans for RabbitMQ).
 *
 *   node ui/scripts/post-demo-chain.js [--url http://127.0.0.1:4318] [--orders 20] [--fanout 0]
 *
 * Each order: OrderPlaced (orders, kafka) → payments and inventory consume it → PaymentAuthorized
 * (payments, rabbitmq) → shipping → ShipmentScheduled → notifications. Every 5th shipment fails
 * and is dead-lettered, every 7th payment is retried once. `--fanout N` adds one BulkRepricing
 * event with N follow-up events (a large lineage for trying the node budget and for benchmarks).
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { url: { type: 'string', default: 'http://127.0.0.1:4318' }, orders: { type: 'string', default: '20' }, fanout: { type: 'string', default: '0' } },
});
const KIND = { internal: 1, client: 3, producer: 4, consumer: 5 };
const hex = (bytes) => randomBytes(bytes).toString('hex');
const nanos = (ms) => (BigInt(Math.round(ms * 1000)) * 1000n).toString();

/** @param {Record<string, string | number | boolean>} attributes */
function otlpAttributes(attributes) {
  return Object.entries(attributes).map(([key, value]) => ({
    key,
    value: typeof value === 'boolean' ? { boolValue: value } : typeof value === 'number' ? (Number.isInteger(value) ? { intValue: value } : { doubleValue: value }) : { stringValue: value },
  }));
}

/** @type {Map<string, any[]>} spans grouped by service */
const byService = new Map();
function span({ traceId, spanId = hex(8), parentSpanId, name, kind, service, start, end, attributes = {}, error }) {
  const list = byService.get(service) ?? [];
  list.push({
    traceId, spanId, ...(parentSpanId ? { parentSpanId } : {}), name, kind: KIND[kind],
    startTimeUnixNano: nanos(start), endTimeUnixNano: nanos(end), attributes: otlpAttributes(attributes),
    status: error ? { code: 2, message: error } : { code: 0 },
  });
  byService.set(service, list);
  return spanId;
}

/** Publishes an event and lets each consumer handle it; returns the consumers' span ids. */
function publish({ traceId, parentSpanId, service, destination, system, type, id, parentEventId, at, consumers }) {
  const sendId = span({
    traceId, parentSpanId, name: `send ${destination}`, kind: 'producer', service, start: at, end: at + 2 + Math.random() * 3,
    attributes: {
      'messaging.system': system, 'messaging.operation.type': 'send', 'messaging.destination.name': destination,
      'messaging.message.id': id, 'causeway.event.type': type, ...(parentEventId ? { 'causeway.event.parent_id': parentEventId } : {}),
    },
  });
  const handled = {};
  for (const consumer of consumers) {
    const start = at + consumer.queueMs;
    const end = start + consumer.workMs;
    const processId = span({
      traceId, parentSpanId: sendId, name: `process ${destination}`, kind: 'consumer', service: consumer.service, start, end,
      error: consumer.error,
      attributes: {
        'messaging.system': system, 'messaging.operation.type': 'process', 'messaging.destination.name': destination,
        'messaging.message.id': id, 'messaging.consumer.group.name': consumer.service, 'causeway.event.type': type,
        'causeway.message.time_in_queue_ms': consumer.queueMs,
      },
    });
    if (system === 'rabbitmq') {
      const operation = consumer.settle ?? 'ack';
      span({
        traceId, parentSpanId: processId, name: `${operation} ${destination}`, kind: 'client', service: consumer.service, start: end - 1, end,
        attributes: { 'messaging.system': system, 'messaging.operation.type': 'settle', 'messaging.operation.name': operation, 'messaging.destination.name': destination, ...(operation === 'ack' ? {} : { 'causeway.settle.requeue': consumer.requeue ?? false }) },
      });
    }
    handled[consumer.service] = { spanId: processId, start, end };
  }
  return handled;
}

const orders = Number(values.orders);
const now = Date.now();
for (let n = 0; n < orders; n++) {
  const traceId = hex(16);
  const at = now - (orders - n) * 20_000 - Math.random() * 5_000;
  const orderId = `order-${hex(4)}`;
  const paymentId = `payment-${hex(4)}`;
  const shipmentId = `shipment-${hex(4)}`;
  const fails = n % 5 === 4;
  const retried = n % 7 === 3;
  const order = publish({
    traceId, service: 'orders', destination: 'orders', system: 'kafka', type: 'OrderPlaced', id: orderId, at,
    consumers: [{ service: 'payments', queueMs: 8, workMs: 40 }, { service: 'inventory', queueMs: 12, workMs: 25 }],
  });
  span({ traceId, parentSpanId: order.inventory.spanId, name: 'reserve stock', kind: 'internal', service: 'inventory', start: order.inventory.start + 2, end: order.inventory.end - 3 });
  const payment = publish({
    traceId, parentSpanId: order.payments.spanId, service: 'payments', destination: 'payments', system: 'rabbitmq', type: 'PaymentAuthorized', id: paymentId,
    parentEventId: orderId, at: order.payments.start + 30,
    consumers: [retried ? { service: 'shipping', queueMs: 15, workMs: 12, settle: 'nack', requeue: true, error: 'carrier timeout' } : { service: 'shipping', queueMs: 15, workMs: 20 }],
  });
  const shipment = publish({
    traceId, parentSpanId: payment.shipping.spanId, service: 'shipping', destination: 'shipments', system: 'rabbitmq', type: 'ShipmentScheduled', id: shipmentId,
    parentEventId: paymentId, at: payment.shipping.start + 10,
    consumers: [fails ? { service: 'notifications', queueMs: 900, workMs: 30, settle: 'reject', requeue: false, error: 'template missing' } : { service: 'notifications', queueMs: 600 + Math.random() * 400, workMs: 15 }],
  });
  void shipment;
}

const fanout = Number(values.fanout);
if (fanout > 0) {
  const traceId = hex(16);
  const at = now - 60_000;
  const bulkId = `bulk-${hex(4)}`;
  const bulk = publish({ traceId, service: 'catalog', destination: 'repricing', system: 'kafka', type: 'BulkRepricing', id: bulkId, at, consumers: [{ service: 'pricing', queueMs: 5, workMs: 4000 }] });
  for (let i = 0; i < fanout; i++) {
    publish({
      traceId, parentSpanId: bulk.pricing.spanId, service: 'pricing', destination: 'prices', system: 'kafka', type: 'PriceChanged', id: `price-${i}-${hex(3)}`,
      parentEventId: bulkId, at: at + 10 + i * 3, consumers: [],
    });
  }
  console.log(`large lineage root: ${bulkId}`);
}

const body = {
  resourceSpans: [...byService].map(([service, spans]) => ({
    resource: { attributes: otlpAttributes({ 'service.name': service }) },
    scopeSpans: [{ scope: { name: '@causeway/ui demo-data' }, spans }],
  })),
};
const response = await fetch(`${values.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
console.log(`POST ${values.url}/v1/traces → ${response.status} ${await response.text()}`);
if (!response.ok) process.exitCode = 1;
