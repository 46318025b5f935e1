/**
 * The collector must be right whatever the network does to OTLP requests: the spans of one chain
 * arriving one per request, in reverse order, each twice, over protobuf. The result must equal the
 * in-order result, with nothing counted twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { eventually, startCollector, type RunningCollector, type StoreKind } from '../support/collector.js';
import { installTracingGlobals } from '../support/service-tracing.js';
import { connectService, prepareDestination, type ServiceClient } from '../support/transports.js';
import { uniqueName } from '../support/services.js';

interface Lineage { nodes: Array<{ id: string; type?: string }>; edges: Array<{ from: string; to: string }> }
interface Topology { edges: Array<{ from: string; to: string; count: number }> }

/** Runs order → payment → shipping over Kafka, keeping every finished span in memory. */
async function recordChain(run: string): Promise<ReadableSpan[]> {
  installTracingGlobals();
  const exporter = new InMemorySpanExporter();
  const providers = ['order', 'payment', 'shipping'].map(
    (name) => new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': `${name}-${run}` }), spanProcessors: [new SimpleSpanProcessor(exporter)] }),
  );
  const [orderP, paymentP, shippingP] = providers as [BasicTracerProvider, BasicTracerProvider, BasicTracerProvider];
  await Promise.all([prepareDestination('kafka', `${run}-orders`), prepareDestination('kafka', `${run}-payments`)]);
  const clients: ServiceClient[] = [];
  try {
    const order = await connectService('kafka', `order-${run}`, orderP);
    const payment = await connectService('kafka', `payment-${run}`, paymentP);
    const shipping = await connectService('kafka', `shipping-${run}`, shippingP);
    clients.push(order, payment, shipping);
    let done!: () => void;
    const shipped = new Promise<void>((resolve) => (done = resolve));
    await payment.subscribe(`${run}-orders`, `payment-${run}`, async () => payment.publish(`${run}-payments`, 'PaymentAuthorized', '{}'));
    await shipping.subscribe(`${run}-payments`, `shipping-${run}`, async () => done());
    await order.publish(`${run}-orders`, 'OrderPlaced', '{}');
    await shipped;
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
  await Promise.all(providers.map((p) => p.forceFlush()));
  return exporter.getFinishedSpans();
}

async function postProtobuf(collector: RunningCollector, spans: ReadableSpan[]): Promise<number> {
  const body = ProtobufTraceSerializer.serializeRequest(spans);
  const response = await fetch(`${collector.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body });
  return response.status;
}

describe.each<StoreKind>(['sqlite', 'elasticsearch'])('spans out of order and twice, stored in %s', (store) => {
  let collector: RunningCollector;
  beforeAll(async () => {
    collector = await startCollector(store);
  });
  afterAll(async () => {
    await collector?.close();
  });

  it('builds the same chain and counts every delivery once', async () => {
    const run = uniqueName('ooo');
    const spans = await recordChain(run);
    expect(spans.length).toBeGreaterThanOrEqual(4);

    // One span per request, newest first, every request sent twice.
    for (const span of [...spans].reverse()) {
      expect(await postProtobuf(collector, [span])).toBe(200);
      expect(await postProtobuf(collector, [span])).toBe(200);
    }
    // And the whole batch once more, as an exporter retry would.
    expect(await postProtobuf(collector, spans)).toBe(200);

    const order = await eventually('the OrderPlaced event', async () => {
      await collector.idle();
      const { body } = await collector.get<{ events: Array<{ id: string }> }>(`/api/events?service=order-${run}`);
      return body.events[0];
    });
    const lineage = await eventually('the chain', async () => {
      await collector.idle();
      const { body } = await collector.get<Lineage>(`/api/events/${encodeURIComponent(order.id)}/lineage?direction=down`);
      // Near-real-time on Elasticsearch: wait for the events behind the edge, not just the edge.
      return body.edges.length > 0 && body.nodes.length >= 2 && body.nodes.every((n) => n.type) ? body : undefined;
    });
    expect(lineage.nodes.map((n) => n.type).sort()).toEqual(['OrderPlaced', 'PaymentAuthorized']);
    expect(lineage.edges).toHaveLength(1);

    const paymentId = lineage.nodes.find((n) => n.type === 'PaymentAuthorized')!.id;
    const payment = await collector.get<{ consumers: unknown[] }>(`/api/events/${encodeURIComponent(paymentId)}`);
    expect(payment.body.consumers).toHaveLength(1);

    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const topology = await eventually('topology', async () => {
      const { body } = await collector.get<Topology>(`/api/topology?from=${from}&to=${to}`);
      return body.edges.filter((e) => e.from.includes(run) || e.to.includes(run)).length >= 4 ? body : undefined;
    });
    const runEdges = topology.edges.filter((e) => e.from.includes(run) || e.to.includes(run));
    // order→orders, orders→payment, payment→payments, payments→shipping: each exactly one message.
    expect(runEdges).toHaveLength(4);
    for (const edge of runEdges) expect(edge.count).toBe(1);
  });
});
