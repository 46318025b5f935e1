/**
 * Builds the collector: external plugins first (store connection), then app plugins (ingest
 * pipeline and correlator, which depend on the store; metrics; the alert engine; the lag monitor,
 * which feeds both; dead-letter redrive), then routes (OTLP ingest, query API, health, metrics, the UI).
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { CollectorConfig } from './config.js';
import { errorHandler } from './error-handler.js';
import storePlugin from './plugins/store.js';
import ingestPlugin from './plugins/ingest.js';
import metricsPlugin from './plugins/metrics.js';
import alertsPlugin from './plugins/alerts.js';
import lagPlugin from './plugins/lag.js';
import redrivePlugin from './plugins/redrive.js';
import metricsRoutes from './routes/metrics.js';
import otlpRoutes from './routes/otlp.js';
import apiRoutes from './routes/api/index.js';
import healthRoutes from './routes/health.js';
import uiRoutes from './routes/ui.js';

export interface BuildAppOptions {
  /** Pass false to silence request logs (tests), or a pino options object. */
  logger?: boolean | object;
}

export async function buildApp(config: CollectorConfig, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? { level: config.logLevel },
    bodyLimit: config.maxBodyBytes,
  });
  app.setErrorHandler(errorHandler);

  await app.register(storePlugin, { config });
  await app.register(ingestPlugin, { config });
  await app.register(metricsPlugin);
  await app.register(alertsPlugin, { config });
  await app.register(lagPlugin, { config });
  await app.register(redrivePlugin, { config });

  await app.register(otlpRoutes, { pipeline: app.pipeline, maxBodyBytes: config.maxBodyBytes });
  await app.register(apiRoutes, {
    prefix: '/api',
    store: app.store,
    lag: { monitor: app.lag, alerts: app.alerts, rawRetentionMs: config.lag.rawRetentionMs },
    adminToken: config.adminToken,
    redrive: app.redrive,
  });
  await app.register(healthRoutes);
  await app.register(metricsRoutes);
  // Last: its not-found handler serves the UI's index.html for deep links after every API route exists.
  await app.register(uiRoutes);
  return app;
}
