/** `GET /topology`: which services publish to and consume from which destinations. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Store } from '../../store/store.js';
import { ErrorResponse } from '../../schemas/common.js';
import { Topology, TopologyQuery } from '../../schemas/topology.js';
import { buildTopology } from '../../query/topology.js';
import { parseRange } from '../../query/time.js';

const DEFAULT_RANGE_MS = 60 * 60 * 1000;

const topologyRoutes: FastifyPluginAsyncTypebox<{ store: Store }> = async (app, { store }) => {
  app.get(
    '/topology',
    {
      schema: {
        summary: 'Service and destination graph of a time range (default: the last hour)',
        querystring: TopologyQuery,
        response: { 200: Topology, 400: ErrorResponse },
      },
    },
    async (request) => buildTopology(store, parseRange(request.query.from, request.query.to, DEFAULT_RANGE_MS)),
  );
};

export default topologyRoutes;
