/** `GET /lag` (samples over time, per partition or queue) and `GET /lag/status` (current status per group). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorResponse } from '../../schemas/common.js';
import { LagQuery, LagResponse, LagStatusResponse } from '../../schemas/lag.js';
import { buildLagSeries, lagStatusResponse } from '../../query/lag.js';
import { parseRange } from '../../query/time.js';
import type { Store } from '../../store/store.js';
import type { LagMonitor } from '../../lag/monitor.js';

const DEFAULT_RANGE_MS = 60 * 60 * 1000;

const lagRoutes: FastifyPluginAsyncTypebox<{ store: Store; monitor: LagMonitor; rawRetentionMs: number }> = async (app, { store, monitor, rawRetentionMs }) => {
  app.get(
    '/lag',
    {
      schema: {
        summary: 'Lag of consumer groups over time (default: the last hour), one series per partition or queue',
        querystring: LagQuery,
        response: { 200: LagResponse, 400: ErrorResponse },
      },
    },
    async (request) => {
      const { group, destination, cluster } = request.query;
      const range = parseRange(request.query.from, request.query.to, DEFAULT_RANGE_MS);
      return buildLagSeries(store, { ...range, group, destination, cluster }, { rawRetentionMs });
    },
  );

  app.get(
    '/lag/status',
    { schema: { summary: 'Current status of every consumer group, worst first, with the reason', response: { 200: LagStatusResponse } } },
    async () => lagStatusResponse(monitor.status(), monitor.sourceStates(), monitor.intervalMs),
  );
};

export default lagRoutes;
