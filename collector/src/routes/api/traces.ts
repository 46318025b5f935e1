/** `GET /traces/:traceId`: every stored span of one trace. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Store } from '../../store/store.js';
import { ErrorResponse } from '../../schemas/common.js';
import { Trace, TraceParams } from '../../schemas/traces.js';
import { getTrace } from '../../query/traces.js';

const traceRoutes: FastifyPluginAsyncTypebox<{ store: Store }> = async (app, { store }) => {
  app.get(
    '/traces/:traceId',
    {
      schema: {
        summary: 'All stored spans of a trace, earliest first',
        params: TraceParams,
        response: { 200: Trace, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      const trace = await getTrace(store, request.params.traceId);
      if (!trace) return reply.status(404).send({ error: 'trace not found', id: request.params.traceId.toLowerCase() });
      return trace;
    },
  );
};

export default traceRoutes;
