/**
 * The query API, registered by the app under `/api`:
 *   GET /events                 search events, newest first
 *   GET /events/:id             one event and its consumers
 *   GET /events/:id/lineage     causal ancestors / descendants
 *   GET /topology               service ↔ destination graph
 *   GET /traces/:traceId        spans of one trace
 *   GET /lag                    consumer lag over time
 *   GET /lag/status             current lag status per group
 *   GET /alerts                 active alerts and history
 *   GET|POST /alerts/rules, DELETE /alerts/rules/:id
 *   GET /deadletters, /deadletters/hotspots, /deadletters/:id
 *   POST /deadletters/:id/redrive, /deadletters/redrive   (admin token; disabled without one)
 * Encapsulated (not wrapped in fastify-plugin) so its validator and 400 answers stay its own.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Store } from '../../store/store.js';
import eventRoutes from './events.js';
import topologyRoutes from './topology.js';
import traceRoutes from './traces.js';
import lagRoutes from './lag.js';
import alertRoutes from './alerts.js';
import deadLetterRoutes from './dead-letters.js';
import redriveRoutes from './redrive.js';
import type { RedriveService } from '../../redrive/service.js';
import type { AlertEngine } from '../../alerts/index.js';
import type { LagMonitor } from '../../lag/monitor.js';
import { apiErrorHandler, apiValidatorCompiler } from './validation.js';

export interface LagRouteServices {
  monitor: LagMonitor;
  alerts: AlertEngine;
  /** Raw lag samples are kept this long; longer or older ranges read rollups. */
  rawRetentionMs: number;
}

export interface ApiRoutesOptions {
  store: Store;
  /** The lag and alert routes, when the app runs a lag monitor and an alert engine (it always does; unit tests of the other routes need not). */
  lag?: LagRouteServices;
  adminToken?: string;
  /** Republishing dead letters through the brokers; without it the redrive routes answer that redrive is unavailable. */
  redrive?: RedriveService;
}

const apiRoutes: FastifyPluginAsyncTypebox<ApiRoutesOptions> = async (app, { store, lag, adminToken, redrive }) => {
  app.setValidatorCompiler(apiValidatorCompiler);
  app.setErrorHandler(apiErrorHandler);
  await app.register(eventRoutes, { store });
  await app.register(topologyRoutes, { store });
  await app.register(traceRoutes, { store });
  if (lag) {
    await app.register(lagRoutes, { store, monitor: lag.monitor, rawRetentionMs: lag.rawRetentionMs });
    await app.register(alertRoutes, { store, alerts: lag.alerts, adminToken });
  }
  await app.register(deadLetterRoutes, { store });
  // Always registered: without redrive services or an admin token the routes say why redrive is off.
  await app.register(redriveRoutes, { redrive, adminToken });
};

export default apiRoutes;
