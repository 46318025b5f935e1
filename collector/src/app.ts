/**
 * Builds the collector: external plugins first (store connection), then app plugins (ingest
 * pipeline and correlator, which depend on the store), then routes (OTLP ingest, query API).
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { CollectorConfig } from './config.js';
import { errorHandler } from './error-handler.js';
import storePlugin from './plugins/store.js';
import ingestPlugin from './plugins/ingest.js';
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

  await app.register(otlpRoutes, { pipeline: app.pipeline, maxBodyBytes: config.maxBodyBytes });
  await app.register(apiRoutes, { prefix: '/api', store: app.store });
  await app.register(healthRoutes);
  // Last: its not-found handler serves the UI's index.html for deep links after every API route exists.
  await app.register(uiRoutes);
  return app;
}
