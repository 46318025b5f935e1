/**
 * Runs the demo shop: one tracer provider and one broker connection per service, orders placed at
 * a steady rate, everything exported to the collector over OTLP/HTTP.
 */
import { SERVICE_NAMES, STREAMS, newOrder, wireServices, type ServiceName, type ShopBehaviour, type ShopCounters } from './services.js';
import { installTracingGlobals, serviceTracing, type ServiceTracing } from './tracing.js';
import type { ServiceConnection, ShopTransport } from './transport.js';

export interface ShopOptions {
  /** Collector base URL, e.g. http://127.0.0.1:4318. */
  collectorUrl: string;
  transport: ShopTransport;
  /** Default 3. */
  ordersPerSecond?: number;
  behaviour?: Partial<ShopBehaviour>;
}

export interface RunningShop {
  counters: Readonly<ShopCounters>;
  /** Stops placing orders, lets running handlers finish, closes the broker and flushes every service's spans. */
  stop(): Promise<void>;
}

export async function startShop(options: ShopOptions): Promise<RunningShop> {
  installTracingGlobals();
  const behaviour: ShopBehaviour = {
    paymentFailureRate: 0.1,
    transientErrorRate: 0.08,
    poisonEvery: 25,
    // Long enough for the default lag window (10 polls of 10 s) to see STOP, a minute after start.
    outage: { afterMs: 60_000, forMs: 150_000, everyMs: 600_000 },
    random: Math.random,
    ...options.behaviour,
  };
  const stopped = new AbortController();
  const counters: ShopCounters = { ordersPlaced: 0, ordersNotified: 0, paymentRetries: 0, poisonOrders: 0 };
  const tracing = SERVICE_NAMES.map((name) => serviceTracing(name, options.collectorUrl));
  const connections: ServiceConnection[] = [];
  const shutdownTracing = (): Promise<unknown> => Promise.allSettled(tracing.map((t) => t.shutdown()));

  let services: Record<ServiceName, ServiceConnection>;
  try {
    await options.transport.prepare(STREAMS);
    const entries: Array<[ServiceName, ServiceConnection]> = [];
    for (const t of tracing as Array<ServiceTracing & { serviceName: ServiceName }>) {
      const connection = await options.transport.connect(t.serviceName, t.provider);
      connections.push(connection);
      entries.push([t.serviceName, connection]);
    }
    services = Object.fromEntries(entries) as Record<ServiceName, ServiceConnection>;
    await wireServices(services, behaviour, counters, { startedAt: Date.now(), stopped: stopped.signal });
  } catch (err) {
    await Promise.allSettled(connections.map((c) => c.close()));
    await options.transport.close().catch(() => undefined);
    await shutdownTracing();
    throw err;
  }

  const orderService = services['order-service'];
  const intervalMs = 1000 / Math.max(0.1, options.ordersPerSecond ?? 3);
  let placing: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    // One at a time: a stalled broker slows the order rate instead of piling up sends.
    placing = placing.then(async () => {
      const sequence = ++counters.ordersPlaced;
      await orderService.publish('orders', 'OrderPlaced', newOrder(sequence, behaviour)).catch(() => undefined);
    });
  }, intervalMs);

  let stopping: Promise<void> | undefined;
  return {
    counters,
    stop() {
      stopping ??= (async () => {
        clearInterval(timer);
        stopped.abort();
        await placing;
        await Promise.allSettled(connections.map((c) => c.close()));
        await options.transport.close().catch(() => undefined);
        await shutdownTracing();
      })();
      return stopping;
    },
  };
}
