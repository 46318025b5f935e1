/** The Prometheus registry behind `GET /metrics`: lag, alerts, lag polls and ingest health. */
import fp from 'fastify-plugin';
import { CollectorMetrics } from '../metrics/index.js';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: CollectorMetrics;
  }
}

export default fp(
  async (app) => {
    app.decorate('metrics', new CollectorMetrics({ ingestStats: () => app.pipeline.stats() }));
  },
  { name: 'causeway-metrics', dependencies: ['causeway-ingest'] },
);
