/** `GET /metrics`: Prometheus text exposition of lag, alerts, lag polls and ingest health. */
import type { FastifyPluginAsync } from 'fastify';

const metricsRoutes: FastifyPluginAsync = async (app) => {
  app.get('/metrics', async (_request, reply) => {
    const { contentType, body } = await app.metrics.render();
    return reply.type(contentType).send(body);
  });
};

export default metricsRoutes;
