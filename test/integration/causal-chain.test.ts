/**
 * The backbone end to end: three services (order → payment → shipping), each with its own service
 * name and tracer provider, talk over real Kafka, real RabbitMQ, or both; they export over OTLP/HTTP
 * to a running collector; the lineage API must return the whole chain. Once per store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startCollector, type RunningCollector, type StoreKind } from '../support/collector.js';
import { serviceTracing, type ServiceTracing } from '../support/service-tracing.js';
import { connectService, prepareDestination, type BrokerKind, type ServiceClient } from '../support/transports.js';
import { uniqueName } from '../support/services.js';

interface EventSummary { id: string; type?: string; traceId: string }
interface EventDetail extends EventSummary {
  producer: { service: string };
  destination: string;
  consumers: Array<{ service: string; group?: string; outcome: string }>;
}
interface Lineage {
  root: string;
  nodes: Array<{ id: string; type?: string; service?: string; destination?: string; status: string }>;
  edges: Array<{ from: string; to: string }>;
}

const routes: Array<{ name: string; first: BrokerKind; second: BrokerKind }> = [
  { name: 'Kafka', first: 'kafka', second: 'kafka' },
  { name: 'RabbitMQ', first: 'rabbitmq', second: 'rabbitmq' },
  { name: 'Kafka → RabbitMQ', first: 'kafka', second: 'rabbitmq' },
];
const stores: StoreKind[] = ['sqlite', 'elasticsearch'];

describe.each(stores)('causal chain stored in %s', (store) => {
  let collector: RunningCollector;
  beforeAll(async () => {
    collector = await startCollector(store);
  });
  afterAll(async () => {
    await collector?.close();
  });

  it.each(routes)('order → payment → shipping over $name', async ({ first, second }) => {
    const run = uniqueName('chain');
    const orders = `${run}-orders`;
    const payments = `${run}-payments`;
    await Promise.all([prepareDestination(first, orders), prepareDestination(second, payments)]);

    const tracing: ServiceTracing[] = [];
    const clients: ServiceClient[] = [];
    const service = async (name: string, kind: BrokerKind): Promise<ServiceClient> => {
      const t = serviceTracing(`${name}-${run}`, collector.url);
      tracing.push(t);
      const client = await connectService(kind, `${name}-${run}`, t.provider);
      clients.push(client);
      return client;
    };

    try {
      const orderOut = await service('order', first);
      const paymentIn = await service('payment', first);
      const paymentOut = second === first ? paymentIn : await service('payment', second);
      const shippingIn = await service('shipping', second);

      let shipped!: () => void;
      const shippedPromise = new Promise<void>((resolve) => (shipped = resolve));
      await paymentIn.subscribe(orders, `payment-${run}`, async (message) => {
        await paymentOut.publish(payments, 'PaymentAuthorized', JSON.stringify({ order: message.body }));
      });
      await shippingIn.subscribe(payments, `shipping-${run}`, async () => shipped());

      await orderOut.publish(orders, 'OrderPlaced', JSON.stringify({ order: run }));
      await shippedPromise;
    } finally {
      await Promise.all(clients.map((c) => c.close()));
      await Promise.all(tracing.map((t) => t.shutdown()));
    }

    const orderService = `order-${run}`;
    const order = await eventually('the OrderPlaced event', async () => {
      await collector.idle();
      const { body } = await collector.get<{ events: EventSummary[] }>(`/api/events?service=${orderService}&type=OrderPlaced`);
      return body.events[0];
    });

    const lineage = await eventually('the whole chain in the lineage', async () => {
      await collector.idle();
      const { body } = await collector.get<Lineage>(`/api/events/${encodeURIComponent(order.id)}/lineage?direction=down&depth=5`);
      // Elasticsearch is near-real-time: each index refreshes on its own (~1 s), so an edge can be
      // searchable a moment before the event it points to. Wait until every node is complete.
      const complete = body.nodes.length >= 2 && body.edges.length >= 1 && body.nodes.every((n) => n.service);
      return complete ? body : undefined;
    });
    expect(lineage.root).toBe(order.id);
    const payment = lineage.nodes.find((n) => n.type === 'PaymentAuthorized');
    expect(payment).toBeDefined();
    expect(payment!.service).toBe(`payment-${run}`);
    expect(lineage.edges.map(({ from, to }) => ({ from, to }))).toContainEqual({ from: order.id, to: payment!.id });
    expect(lineage.nodes.map((n) => n.type).sort()).toEqual(['OrderPlaced', 'PaymentAuthorized']);

    // Upstream from the second event finds the first; the second event's consumer is shipping.
    const up = await collector.get<Lineage>(`/api/events/${encodeURIComponent(payment!.id)}/lineage?direction=up`);
    expect(up.body.nodes.map((n) => n.id)).toContain(order.id);

    const detail = await eventually('shipping recorded as consumer', async () => {
      await collector.idle();
      const { body } = await collector.get<EventDetail>(`/api/events/${encodeURIComponent(payment!.id)}`);
      return body.consumers?.some((c) => c.service === `shipping-${run}`) ? body : undefined;
    });
    expect(detail.producer.service).toBe(`payment-${run}`);
    expect(detail.destination).toContain(payments);
    expect(detail.consumers.find((c) => c.service === `shipping-${run}`)!.outcome).toBe('ok');

    const orderDetail = await collector.get<EventDetail>(`/api/events/${encodeURIComponent(order.id)}`);
    expect(orderDetail.body.consumers.map((c) => c.service)).toContain(`payment-${run}`);

    // All three services took part in one trace.
    const trace = await collector.get<{ spans: Array<{ service: string }> }>(`/api/traces/${order.traceId}`);
    const servicesInTrace = new Set(trace.body.spans.map((s) => s.service));
    expect([...servicesInTrace].sort()).toEqual([`order-${run}`, `payment-${run}`, `shipping-${run}`]);
  });
});
