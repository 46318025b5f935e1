/**
 * Redrive: republishing dead letters to where they came from, through the brokers the collector
 * knows (`--kafka`, `--rabbitmq`, or the demo's `--broker`). The routes refuse it unless an admin
 * token is configured; the service itself connects to a broker only on its first redrive.
 */
import fp from 'fastify-plugin';
import type { CollectorConfig } from '../config.js';
import { RedriveService, type RedriveBrokers } from '../redrive/index.js';
import { selfTracerProvider } from '../self-tracing.js';
import { createRequire } from 'node:module';

/** From src/plugins or dist/plugins alike, the collector's package.json. */
const COLLECTOR_VERSION = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

declare module 'fastify' {
  interface FastifyInstance {
    redrive: RedriveService;
  }
}

export function redriveBrokers(config: CollectorConfig): RedriveBrokers {
  const brokers: RedriveBrokers = {};
  const { kafka, rabbitmq } = config.lag;
  if (kafka) brokers.kafka = { brokers: kafka.brokers, ssl: kafka.ssl, sasl: kafka.sasl };
  else if (config.demoBroker?.kind === 'kafka') brokers.kafka = { brokers: config.demoBroker.brokers };
  if (rabbitmq?.amqpUrl) brokers.rabbitmq = { amqpUrl: rabbitmq.amqpUrl, managementUrl: rabbitmq.managementUrl };
  else if (config.demoBroker?.kind === 'rabbitmq') brokers.rabbitmq = { amqpUrl: config.demoBroker.url };
  return brokers;
}

export default fp(
  async (app, opts: { config: CollectorConfig }) => {
    const tracerProvider = selfTracerProvider(() => {
      const address = app.server.address();
      return address && typeof address === 'object' ? `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}` : undefined;
    }, COLLECTOR_VERSION);
    const redrive = new RedriveService({ store: app.store, brokers: redriveBrokers(opts.config), log: app.log, tracerProvider });
    app.decorate('redrive', redrive);
    // Before the server stops listening: the last redrive spans still reach this collector.
    app.addHook('preClose', async () => {
      await tracerProvider.forceFlush().catch(() => undefined);
    });
    app.addHook('onClose', async () => {
      await redrive.close();
      await tracerProvider.shutdown();
    });
  },
  { name: 'causeway-redrive', dependencies: ['causeway-store'] },
);
