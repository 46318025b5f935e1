/**
 * The one error handler: client mistakes become a 4xx with a message that says what is wrong;
 * anything else is logged and answered with a generic 500 (internals never leak to clients).
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error.validation) {
    const context = error.validationContext ? `${error.validationContext}` : 'request';
    const detail = error.validation
      .map((issue) => `${context}${issue.instancePath ? issue.instancePath.replace(/\//g, '.') : ''} ${issue.message ?? 'is invalid'}`)
      .join('; ');
    return reply.status(400).send({ error: 'bad request', message: detail });
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    return reply.status(status).send({ error: error.code ?? 'bad request', message: error.message });
  }
  request.log.error({ err: error }, 'request failed');
  return reply.status(500).send({ error: 'internal error', message: 'the collector failed to handle this request; see its log' });
}
