/**
 * The live demo behind `causeway start --demo`: the five-service shop, over the in-process broker
 * or a real Kafka or RabbitMQ, exporting to the collector it runs beside.
 */
import { describeBroker, type DemoBroker } from './broker-url.js';
import { startShop, type RunningShop, type ShopOptions } from './shop/shop.js';
import type { ShopTransport, TransportOptions } from './shop/transport.js';
import { InProcessTransport } from './shop/transports/in-process.js';
import type { LagSource } from '../lag/types.js';
import { createDemoLagSource, type DemoLagSourceOptions } from './lag-source.js';

export { parseBrokerUrl, describeBroker, type DemoBroker } from './broker-url.js';
export { startShop, type RunningShop, type ShopOptions } from './shop/shop.js';
export { InProcessTransport } from './shop/transports/in-process.js';
export { InProcessBroker } from './broker/index.js';
import type { InProcessBroker } from './broker/index.js';

/** Prefix of the demo's topics, exchanges, queues and groups on a real broker. */
export const DEMO_PREFIX = 'causeway-demo.';

export interface DemoOptions extends TransportOptions {
  collectorUrl: string;
  /** Undefined: the in-process broker. */
  broker?: DemoBroker;
  ordersPerSecond?: number;
  behaviour?: ShopOptions['behaviour'];
}

export interface RunningDemo extends RunningShop {
  /** Where the shop's messages flow, for the startup banner. */
  description: string;
  /** A lag source watching the demo's consumer groups on its broker. */
  createLagSource(options: Omit<DemoLagSourceOptions, 'prefix'>): Promise<LagSource>;
  /** The in-process broker, for redrive; undefined when the demo runs over a real broker. */
  inProcessBroker?: InProcessBroker;
}

/** Builds the transport; the real brokers' clients are loaded only when asked for. */
export async function createTransport(broker: DemoBroker | undefined, options: TransportOptions = {}): Promise<ShopTransport> {
  if (!broker) return new InProcessTransport(options);
  if (broker.kind === 'kafka') {
    const { KafkaTransport } = await import('./shop/transports/kafka.js');
    return new KafkaTransport(broker.brokers, options);
  }
  const { RabbitMqTransport } = await import('./shop/transports/rabbitmq.js');
  return new RabbitMqTransport(broker.url, options);
}

export async function startDemo(options: DemoOptions): Promise<RunningDemo> {
  const { collectorUrl, broker, ordersPerSecond, behaviour, ...transportOptions } = options;
  // On a real broker the shop's names are prefixed so they cannot clash with the user's own topics or queues.
  const prefix = transportOptions.prefix ?? (broker ? DEMO_PREFIX : '');
  const transport = await createTransport(broker, { ...transportOptions, prefix });
  // The shipping outage only on the in-process broker: on Kafka a handler that waits minutes would
  // miss its heartbeats and set off rebalances, which is another demo.
  const shop = await startShop({ collectorUrl, transport, ordersPerSecond, behaviour: broker ? { outage: undefined, ...behaviour } : behaviour });
  const inProcess = transport instanceof InProcessTransport ? transport.broker : undefined;
  return {
    counters: shop.counters,
    stop: () => shop.stop(),
    description: describeBroker(broker),
    createLagSource: (options) => createDemoLagSource(broker, inProcess, { ...options, prefix }),
    inProcessBroker: inProcess,
  };
}
