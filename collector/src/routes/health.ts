/** `GET /api/health`: liveness plus the ingest backlog, so operators and tests can see the collector catch up. */
import type { FastifyPluginAsync } from 'fastify';

const healthRoutes: FastifyPluginAsync = async (app) => {
  app.get('/api/health', async () => ({
    status: 'ok',
    store: app.store.kind,
    ingest: app.pipeline.stats(),
  }));
};

export default healthRoutes;
