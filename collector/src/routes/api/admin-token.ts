/**
 * Changes through the API (alert rules, and later redrives) need `Authorization: Bearer <token>`
 * when the collector has an admin token (`--admin-token`). Compared in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** A preHandler: answers 401 unless the request carries the token; passes everything when no token is configured. */
export function requireAdminToken(token: string | undefined) {
  const expected = token === undefined ? undefined : digest(token);
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (expected === undefined) return;
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (match && timingSafeEqual(digest(match[1]!.trim()), expected)) return;
    await reply
      .status(401)
      .header('www-authenticate', 'Bearer')
      .send({ error: 'unauthorized', message: 'this change needs the admin token: send Authorization: Bearer <token> (the collector\'s --admin-token)' });
  };
}

/** Hashing first makes both sides the same length, which timingSafeEqual requires. */
function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
