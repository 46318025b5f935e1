/**
 * The demo shop over the in-process broker, exporting over OTLP/HTTP into a real collector: the
 * API must show the causal chain across the five services, retries, and a dead-lettered order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollector, eventually, type RunningCollector } from '../../../../test/support/collector.js';
import { startShop, type RunningShop } from './shop.js';
import { InProcessTransport } from './transports/in-process.js';

interface EventSummary { id: string; type: string | null; status: string; producer: { service: string } | null }
interface EventDetail extends EventSummary { consumers: Array<{ service: string; outcome: string; group: string | null }> }
interface Lineage { nodes: Array<{ id: string; type: string | null; service: string | null; distance: number }>; edges: Array<{ from: string; to: string }> }

/** Deterministic draws so the share of declines and retries does not vary between runs. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

let collector: RunningCollector;
let shop: RunningShop;

beforeAll(async () => {
  collector = await startCollector('sqlite');
  const transport = new InProcessTransport({ maxAttempts: 3, slowConsumerMs: 60 });
  shop = await startShop({
    collectorUrl: collector.url,
    transport,
    ordersPerSecond: 12,
    behaviour: { poisonEvery: 5, transientErrorRate: 0.3, paymentFailureRate: 0.1, random: seeded(7) },
  });
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  // Stops placing orders, lets the last ones settle, and flushes every service's spans.
  await shop.stop();
  await collector.idle();
});
afterAll(async () => {
  await shop?.stop();
  await collector?.close();
});

async function events(query: string): Promise<EventSummary[]> {
  return (await collector.get<{ events: EventSummary[] }>(`/api/events?${query}&limit=500`)).body.events;
}

describe('demo shop over the in-process broker', () => {
  it('shows OrderPlaced → PaymentAuthorized → StockReserved → ShipmentScheduled → CustomerNotified across the services', async () => {
    const shipments = await eventually('shipments', async () => {
      const found = await events('type=ShipmentScheduled');
      return found.length > 0 ? found : undefined;
    });
    expect(shipments[0]?.producer?.service).toBe('shipping-service');

    const lineage = await eventually('a complete chain', async () => {
      const { body } = await collector.get<Lineage>(`/api/events/${shipments[0]!.id}/lineage?direction=both`);
      return body.nodes.some((n) => n.distance === 1) && body.nodes.some((n) => n.distance === -3) ? body : undefined;
    });
    const chain = [...lineage.nodes].sort((a, b) => a.distance - b.distance).map((n) => `${n.distance} ${n.type} ${n.service}`);
    expect(chain).toEqual([
      '-3 OrderPlaced order-service',
      '-2 PaymentAuthorized payment-service',
      '-1 StockReserved inventory-service',
      '0 ShipmentScheduled shipping-service',
      '1 CustomerNotified notification-service',
    ]);
    const byDistance = new Map(lineage.nodes.map((n) => [n.distance, n.id]));
    for (let d = -3; d < 1; d++) expect(lineage.edges).toContainEqual(expect.objectContaining({ from: byDistance.get(d), to: byDistance.get(d + 1) }));
  });

  it('fans OrderPlaced out to payment and notification, and records a retry that then succeeded', async () => {
    const orders = await events('type=OrderPlaced');
    expect(orders.length).toBeGreaterThan(10);
    const detail = (await collector.get<EventDetail>(`/api/events/${orders.find((o) => o.status === 'ok')!.id}`)).body;
    expect(detail.consumers.map((c) => c.service).sort()).toEqual(['notification-service', 'payment-service']);

    expect(shop.counters.paymentRetries).toBeGreaterThan(0);
    const retried = orders.filter((o) => o.status === 'retried');
    expect(retried.length).toBeGreaterThan(0);
    // An order whose retry was still waiting when the shop stopped shows the retry alone; others show both.
    const paymentOutcomes = await Promise.all(
      retried.map(async (o) => (await collector.get<EventDetail>(`/api/events/${o.id}`)).body.consumers.filter((c) => c.service === 'payment-service').map((c) => c.outcome).sort().join(',')),
    );
    expect(paymentOutcomes).toContain('ok,retried');
  });

  it('dead-letters the poison order after three failed payment attempts', async () => {
    const dead = (await events('type=OrderPlaced')).filter((o) => o.status === 'dead-lettered');
    expect(dead.length).toBeGreaterThan(0);
    const detail = (await collector.get<EventDetail>(`/api/events/${dead[0]!.id}`)).body;
    const payments = detail.consumers.filter((c) => c.service === 'payment-service').map((c) => c.outcome);
    expect(payments.sort()).toEqual(['dead-lettered', 'retried', 'retried']);
    expect(detail.consumers.find((c) => c.service === 'notification-service')?.outcome).toBe('ok');
  });
});
