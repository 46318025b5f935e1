/** `GET /deadletters`, `GET /deadletters/hotspots`, `GET /deadletters/:id`. Redrive lives in `redrive.ts`. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Store } from '../../store/store.js';
import { ErrorResponse } from '../../schemas/common.js';
import {
  DeadLetterDetail,
  DeadLetterIdParams,
  DeadLetterListResponse,
  DeadLetterSearchQuery,
  HotspotQueryParams,
  HotspotResponse,
} from '../../schemas/dead-letters.js';
import { deadLetterHotspots, getDeadLetterDetail, listDeadLetters } from '../../query/dead-letters.js';

const deadLetterRoutes: FastifyPluginAsyncTypebox<{ store: Store }> = async (app, { store }) => {
  app.get(
    '/deadletters',
    {
      schema: {
        summary: 'Dead letters, newest first (default: the last day)',
        querystring: DeadLetterSearchQuery,
        response: { 200: DeadLetterListResponse, 400: ErrorResponse },
      },
    },
    async (request) => ({ deadLetters: await listDeadLetters(store, request.query) }),
  );

  // Registered before `/deadletters/:id`; find-my-way prefers the static segment anyway.
  app.get(
    '/deadletters/hotspots',
    {
      schema: {
        summary: 'Dead-letter counts grouped by fingerprint, group, event type, producer version, destination or service',
        querystring: HotspotQueryParams,
        response: { 200: HotspotResponse, 400: ErrorResponse },
      },
    },
    async (request) => deadLetterHotspots(store, request.query),
  );

  app.get(
    '/deadletters/:id',
    {
      schema: {
        summary: 'One dead letter with its error, stack, payload (when captured), lineage pointer and redrives',
        params: DeadLetterIdParams,
        response: { 200: DeadLetterDetail, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      const detail = await getDeadLetterDetail(store, request.params.id);
      if (!detail) return reply.status(404).send({ error: 'dead letter not found', id: request.params.id });
      return detail;
    },
  );
};

export default deadLetterRoutes;
