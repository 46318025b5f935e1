/**
 * The same demo shop over real Kafka and real RabbitMQ, through the SDK's kafkajs and amqplib
 * wrappers, into a real collector. Every run uses its own topic, exchange, queue and group names.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startCollector, eventually, type RunningCollector } from '../../../../../test/support/collector.js';
import { services, uniqueName } from '../../../../../test/support/services.js';
import { startShop, type RunningShop } from '../shop.js';
import type { ShopTransport } from '../transport.js';
import { KafkaTransport } from './kafka.js';
import { RabbitMqTransport } from './rabbitmq.js';

interface EventSummary { id: string; status: string; system: string | null }
interface Lineage { nodes: Array<{ type: string | null; service: string | null; distance: number }> }

let collector: RunningCollector | undefined;
let shop: RunningShop | undefined;
afterEach(async () => {
  await shop?.stop();
  await collector?.close();
  shop = undefined;
  collector = undefined;
});

/** Runs the shop until a shipment's lineage reaches from the order to the customer notification. */
async function runUntilFullChain(transport: ShopTransport, prefix: string): Promise<{ collector: RunningCollector; chain: string[] }> {
  collector = await startCollector('sqlite');
  const running = collector;
  shop = await startShop({ collectorUrl: running.url, transport, ordersPerSecond: 5, behaviour: { poisonEvery: 3, transientErrorRate: 0.2 } });
  const chain = await eventually(
    'a shipment with its whole chain',
    async () => {
      const { body } = await running.get<{ events: EventSummary[] }>(`/api/events?type=ShipmentScheduled&destination=${prefix}shipments&limit=20`);
      for (const event of body.events) {
        const lineage = (await running.get<Lineage>(`/api/events/${event.id}/lineage`)).body;
        if (lineage.nodes.some((n) => n.distance === -3) && lineage.nodes.some((n) => n.distance === 1)) {
          return [...lineage.nodes].sort((a, b) => a.distance - b.distance).map((n) => `${n.type} ${n.service}`);
        }
      }
      return undefined;
    },
    60_000,
  );
  return { collector: running, chain };
}

const EXPECTED_CHAIN = [
  'OrderPlaced order-service',
  'PaymentAuthorized payment-service',
  'StockReserved inventory-service',
  'ShipmentScheduled shipping-service',
  'CustomerNotified notification-service',
];

describe('demo shop over real brokers', () => {
  it('runs over Kafka through instrumentKafkaJs', async () => {
    const prefix = `${uniqueName('cw-demo')}.`;
    const { collector: running, chain } = await runUntilFullChain(new KafkaTransport(services.kafkaBrokers, { prefix, slowConsumerMs: 50 }), prefix);
    expect(chain).toEqual(EXPECTED_CHAIN);
    const orders = (await running.get<{ events: EventSummary[] }>(`/api/events?type=OrderPlaced&destination=${prefix}orders&limit=5`)).body.events;
    expect(orders[0]?.system).toBe('kafka');
  }, 90_000);

  it('runs over RabbitMQ through instrumentAmqplib, dead-lettering the poison order', async () => {
    const prefix = `${uniqueName('cw-demo')}.`;
    const { collector: running, chain } = await runUntilFullChain(new RabbitMqTransport(services.amqpUrl, { prefix, slowConsumerMs: 50 }), prefix);
    expect(chain).toEqual(EXPECTED_CHAIN);
    await eventually('a dead-lettered order', async () => {
      const { body } = await running.get<{ events: EventSummary[] }>(`/api/events?type=OrderPlaced&destination=${prefix}orders&limit=200`);
      expect(body.events[0]?.system).toBe('rabbitmq');
      return body.events.some((e) => e.status === 'dead-lettered') ? true : undefined;
    });
  }, 90_000);
});
