/** `GET /events`, `GET /events/:id`, `GET /events/:id/lineage`. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Store } from '../../store/store.js';
import { ErrorResponse } from '../../schemas/common.js';
import { EventDetail, EventIdParams, EventSearchQuery, EventSearchResponse } from '../../schemas/events.js';
import { DEFAULT_LINEAGE_DEPTH, Lineage, LineageQuery } from '../../schemas/lineage.js';
import { getEventDetail, searchEvents } from '../../query/events.js';
import { buildLineage } from '../../query/lineage.js';

const eventRoutes: FastifyPluginAsyncTypebox<{ store: Store }> = async (app, { store }) => {
  app.get(
    '/events',
    {
      schema: {
        summary: 'Search events, newest first',
        querystring: EventSearchQuery,
        response: { 200: EventSearchResponse, 400: ErrorResponse },
      },
    },
    async (request) => ({ events: await searchEvents(store, request.query) }),
  );

  app.get(
    '/events/:id',
    {
      schema: {
        summary: 'One event and how each consumer handled it',
        params: EventIdParams,
        response: { 200: EventDetail, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      const event = await getEventDetail(store, request.params.id);
      if (!event) return reply.status(404).send({ error: 'event not found', id: request.params.id });
      return event;
    },
  );

  app.get(
    '/events/:id/lineage',
    {
      schema: {
        summary: 'Causal ancestors and/or descendants of an event',
        params: EventIdParams,
        querystring: LineageQuery,
        response: { 200: Lineage, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      const lineage = await buildLineage(store, request.params.id, {
        direction: request.query.direction ?? 'both',
        depth: request.query.depth ?? DEFAULT_LINEAGE_DEPTH,
      });
      if (!lineage) return reply.status(404).send({ error: 'event not found', id: request.params.id });
      return lineage;
    },
  );
};

export default eventRoutes;
