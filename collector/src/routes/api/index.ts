/**
 * The query API, registered by the app under `/api`:
 *   GET /events                 search events, newest first
 *   GET /events/:id             one event and its consumers
 *   GET /events/:id/lineage     causal ancestors / descendants
 *   GET /topology               service ↔ destination graph
 *   GET /traces/:traceId        spans of one trace
 * Encapsulated (not wrapped in fastify-plugin) so its validator and 400 answers stay its own.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Store } from '../../store/store.js';
import eventRoutes from './events.js';
import topologyRoutes from './topology.js';
import traceRoutes from './traces.js';
import { apiErrorHandler, apiValidatorCompiler } from './validation.js';

export interface ApiRoutesOptions {
  store: Store;
}

const apiRoutes: FastifyPluginAsyncTypebox<ApiRoutesOptions> = async (app, { store }) => {
  app.setValidatorCompiler(apiValidatorCompiler);
  app.setErrorHandler(apiErrorHandler);
  await app.register(eventRoutes, { store });
  await app.register(topologyRoutes, { store });
  await app.register(traceRoutes, { store });
};

export default apiRoutes;
