/**
 * `POST /deadletters/:id/redrive` and `POST /deadletters/redrive` (bulk, by the list's filters):
 * republish dead letters to their origin through the real broker. Needs the admin token; without
 * one configured on the collector, redrive is disabled (403).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { toAuditView } from '../../query/dead-letters.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import type { DeadLetterReason, RedriveAuditEntry } from '../../deadletters/types.js';
import { InvalidParameterError } from '../../query/errors.js';
import { parseOptionalRange } from '../../query/time.js';
import { auditActor } from '../../redrive/actor.js';
import { DeadLetterNotFoundError, RedriveUnavailableError, type DeadLetterFilter, type RedriveService } from '../../redrive/service.js';
import { ErrorResponse } from '../../schemas/common.js';
import { BulkRedriveRequest, DeadLetterIdParams, RedriveRequest, RedriveResponse, type RedriveAuditView } from '../../schemas/dead-letters.js';
import { requireAdminToken } from './admin-token.js';

export interface RedriveRoutesOptions {
  redrive: RedriveService | undefined;
  adminToken: string | undefined;
}

const DEFAULT_BULK_LIMIT = 100;
const REASONS: readonly DeadLetterReason[] = ['rejected', 'expired', 'maxlen', 'delivery_limit', 'error', 'unknown'];
const ERRORS = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse };

const redriveRoutes: FastifyPluginAsyncTypebox<RedriveRoutesOptions> = async (app, { redrive, adminToken }) => {
  const admin = requireAdminToken(adminToken);
  /** Disabled without a token: an unauthenticated endpoint that republishes messages is too dangerous to offer. */
  const enabled = async (_request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    if (adminToken !== undefined && adminToken !== '') return undefined;
    return reply.status(403).send({ error: 'redrive disabled', message: 'start the collector with --admin-token to enable redrive' });
  };
  /** Who may not redrive hears 403 / 401 before anything about their body. */
  const guard = { onRequest: [enabled, admin], preValidation: emptyBodyIsNoOptions };
  const noBrokers = { error: 'no broker connection', message: 'redrive needs a broker connection: start the collector with --kafka <host:port> or --rabbitmq <amqp-url>' };

  app.post(
    '/deadletters/:id/redrive',
    {
      ...guard,
      schema: { summary: 'Republish one dead letter to its origin (or dry-run it)', params: DeadLetterIdParams, body: RedriveRequest, response: { 200: RedriveResponse, ...ERRORS } },
    },
    async (request, reply) => {
      if (!redrive) return reply.status(409).send(noBrokers);
      const dryRun = request.body?.dryRun ?? false;
      try {
        const entry = await redrive.redriveOne(request.params.id, { dryRun, force: request.body?.force ?? false, actor: auditActor(request.headers['x-causeway-actor'], request.ip) });
        return response(dryRun, [entry]);
      } catch (error) {
        if (error instanceof DeadLetterNotFoundError) return reply.status(404).send({ error: 'dead letter not found', id: request.params.id });
        if (error instanceof RedriveUnavailableError) return reply.status(409).send({ error: 'no broker connection', message: error.message });
        throw error;
      }
    },
  );

  app.post(
    '/deadletters/redrive',
    {
      ...guard,
      schema: { summary: 'Republish the dead letters a filter selects (newest first), rate-limited', body: BulkRedriveRequest, response: { 200: RedriveResponse, ...ERRORS } },
    },
    async (request, reply) => {
      if (!redrive) return reply.status(409).send(noBrokers);
      const { filter, limit, dryRun = false, force = false } = request.body;
      const entries = await redrive.redriveMany(bulkFilter(filter), {
        dryRun,
        force,
        limit: limit ?? DEFAULT_BULK_LIMIT,
        actor: auditActor(request.headers['x-causeway-actor'], request.ip),
      });
      return response(dryRun, entries);
    },
  );
};

/** A bare POST (no body) means the defaults: the schema wants an object. */
async function emptyBodyIsNoOptions(request: FastifyRequest): Promise<void> {
  if (request.body === undefined || request.body === null) request.body = {};
}

/** The bulk body's filter as a search: open-ended times mean "all of it". */
function bulkFilter(filter: Static<typeof BulkRedriveRequest>['filter']): DeadLetterFilter {
  const { from, to } = parseOptionalRange(filter.from, filter.to);
  if (filter.reason !== undefined && !REASONS.includes(filter.reason as DeadLetterReason)) {
    throw new InvalidParameterError(`reason must be one of ${REASONS.join(', ')}`);
  }
  const search: DeadLetterFilter = { from: from ?? 0, to: to ?? Date.now() + 60_000 };
  for (const key of ['fingerprint', 'group', 'service', 'eventType', 'destination', 'producerVersion'] as const) {
    const value = filter[key];
    if (value !== undefined && value !== '') search[key] = value;
  }
  if (filter.reason !== undefined) search.reason = filter.reason as DeadLetterReason;
  return search;
}

function response(dryRun: boolean, entries: RedriveAuditEntry[]): RedriveResponse {
  return {
    dryRun,
    results: entries.map(toAuditView),
    republished: entries.filter((entry) => entry.result === 'republished' || entry.result === 'would-republish').length,
    skipped: entries.filter((entry) => entry.result === 'skipped').length,
    failed: entries.filter((entry) => entry.result === 'failed').length,
  };
}


export default redriveRoutes;
