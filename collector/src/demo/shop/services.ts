/**
 * The five services of the demo shop and the events between them:
 *
 *   order-service ── OrderPlaced ──▶ orders ──▶ payment-service ── PaymentAuthorized / PaymentFailed ──▶ payments
 *                                          └──▶ notification-service (fan-out: a second consumer group)
 *   payments ──▶ inventory-service ── StockReserved ──▶ inventory ──▶ shipping-service (slow) ── ShipmentScheduled ──▶ shipments
 *   payments (PaymentFailed), shipments ──▶ notification-service ── CustomerNotified ──▶ notifications ──▶ order-service
 *
 * The payment gateway fails transiently now and then (the delivery is retried and succeeds), and
 * orders with a malformed card are poison: payment fails on every attempt and they dead-letter.
 */
import type { ServiceConnection, ShopMessage } from './transport.js';

export const STREAMS = ['orders', 'payments', 'inventory', 'shipments', 'notifications'] as const;
export type Stream = (typeof STREAMS)[number];

export const SERVICE_NAMES = ['order-service', 'payment-service', 'inventory-service', 'shipping-service', 'notification-service'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export interface Order {
  orderId: string;
  customerId: string;
  items: Array<{ sku: string; quantity: number }>;
  totalCents: number;
  card: string;
}

export interface ShopBehaviour {
  /** Share of payments declined (PaymentFailed). */
  paymentFailureRate: number;
  /** Share of first payment attempts that hit a gateway timeout and are retried. */
  transientErrorRate: number;
  /** Every n-th order carries a malformed card and dead-letters; 0 for none. */
  poisonEvery: number;
  /**
   * A warehouse outage: shipping's handler waits while it lasts, so its consumer lag grows and its
   * status turns WARN then STOP on the Lag page, then drains. Undefined for none.
   */
  outage?: OutageSchedule;
  random: () => number;
}

/** From `afterMs` after the shop starts, for `forMs`, again every `everyMs`. */
export interface OutageSchedule {
  afterMs: number;
  forMs: number;
  everyMs: number;
}

/** Milliseconds left of the outage at `elapsedMs` after start; 0 outside one. */
export function outageLeftMs(outage: OutageSchedule | undefined, elapsedMs: number): number {
  if (!outage || elapsedMs < outage.afterMs) return 0;
  const into = (elapsedMs - outage.afterMs) % Math.max(outage.everyMs, outage.forMs + 1);
  return into < outage.forMs ? outage.forMs - into : 0;
}

/** Counters the shop keeps, for logs and tests. */
export interface ShopCounters {
  ordersPlaced: number;
  ordersNotified: number;
  paymentRetries: number;
  poisonOrders: number;
}

export class GatewayTimeoutError extends Error {
  override name = 'GatewayTimeoutError';
}
export class MalformedCardError extends Error {
  override name = 'MalformedCardError';
}

const SKUS = ['kettle', 'teapot', 'mug', 'grinder', 'filter-papers', 'scale'];
const VALID_CARD = /^\d{4}-\d{4}$/;

function asOrder(body: unknown): Order {
  if (!body || typeof body !== 'object' || typeof (body as Order).orderId !== 'string') throw new MalformedCardError('order body is not an order');
  return body as Order;
}

export function newOrder(sequence: number, behaviour: ShopBehaviour): Order {
  const pick = (n: number): number => Math.floor(behaviour.random() * n);
  const items = Array.from({ length: 1 + pick(3) }, () => ({ sku: SKUS[pick(SKUS.length)] ?? 'mug', quantity: 1 + pick(2) }));
  const poison = behaviour.poisonEvery > 0 && sequence % behaviour.poisonEvery === 0;
  return {
    orderId: `ord-${sequence.toString().padStart(6, '0')}`,
    customerId: `cus-${100 + pick(900)}`,
    items,
    totalCents: items.reduce((sum, item) => sum + item.quantity * (500 + pick(4500)), 0),
    card: poison ? 'not-a-card' : `${1000 + pick(9000)}-${1000 + pick(9000)}`,
  };
}

type Services = Record<ServiceName, ServiceConnection>;

/** Subscribes every service's handlers. Order placement is driven by the shop runner. */
export async function wireServices(services: Services, behaviour: ShopBehaviour, counters: ShopCounters, clock: ShopClock = { startedAt: Date.now(), stopped: new AbortController().signal }): Promise<void> {
  const { 'payment-service': payment, 'inventory-service': inventory, 'shipping-service': shipping, 'notification-service': notification } = services;

  await payment.subscribe('orders', 'payment-service', async (message) => {
    const order = asOrder(message.body);
    if (!VALID_CARD.test(order.card)) {
      if (message.attempt === 1) counters.poisonOrders++;
      throw new MalformedCardError(`order ${order.orderId}: card number is malformed`);
    }
    if (message.attempt === 1 && behaviour.random() < behaviour.transientErrorRate) {
      counters.paymentRetries++;
      throw new GatewayTimeoutError('payment gateway did not answer within 2s');
    }
    const declined = behaviour.random() < behaviour.paymentFailureRate;
    await payment.publish('payments', declined ? 'PaymentFailed' : 'PaymentAuthorized', {
      orderId: order.orderId,
      customerId: order.customerId,
      amountCents: order.totalCents,
      ...(declined ? { reason: 'insufficient funds' } : { authorizationCode: `auth-${Math.floor(behaviour.random() * 1e6)}` }),
    });
  });

  await inventory.subscribe('payments', 'inventory-service', async (message) => {
    if (message.eventType !== 'PaymentAuthorized') return;
    const { orderId } = message.body as { orderId: string };
    await inventory.publish('inventory', 'StockReserved', { orderId, warehouse: behaviour.random() < 0.5 ? 'ams-1' : 'fra-2' });
  });

  await shipping.subscribe(
    'inventory',
    'shipping-service',
    async (message) => {
      await waitOutOutage(behaviour.outage, clock);
      const { orderId, warehouse } = message.body as { orderId: string; warehouse: string };
      await shipping.publish('shipments', 'ShipmentScheduled', { orderId, carrier: warehouse === 'ams-1' ? 'PostNL' : 'DHL', etaDays: 1 + Math.floor(behaviour.random() * 3) });
    },
    { slow: true },
  );

  const notify = (kind: string) => async (message: ShopMessage): Promise<void> => {
    const { orderId } = message.body as { orderId: string };
    await notification.publish('notifications', 'CustomerNotified', { orderId, kind, channel: 'email' });
  };
  await notification.subscribe('orders', 'notification-service', notify('order-received'));
  await notification.subscribe('payments', 'notification-service', async (message) => {
    if (message.eventType === 'PaymentFailed') await notify('payment-failed')(message);
  });
  await notification.subscribe('shipments', 'notification-service', notify('shipped'));

  await services['order-service'].subscribe('notifications', 'order-service', async (message) => {
    if ((message.body as { kind?: string }).kind === 'shipped') counters.ordersNotified++;
  });
}

/** When the shop started, and a signal that ends waits when it stops. */
export interface ShopClock {
  startedAt: number;
  stopped: AbortSignal;
}

/** Waits while an outage lasts, in short steps so stopping the shop never waits for the outage. */
async function waitOutOutage(outage: OutageSchedule | undefined, clock: ShopClock): Promise<void> {
  while (!clock.stopped.aborted && outageLeftMs(outage, Date.now() - clock.startedAt) > 0) {
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
