/**
 * The redrive routes through `app.inject()`: disabled without an admin token, 401 without the
 * bearer, 404 / 409 / 400, and the response and audit of single and bulk redrives (real service and
 * SQLite store; the broker side is a recording BrokerRedriver, the real ones have their own tests).
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { afterEach, describe, expect, it } from 'vitest';
import redriveRoutes from '../routes/api/redrive.js';
import { apiErrorHandler, apiValidatorCompiler } from '../routes/api/validation.js';
import type { Store } from '../store/store.js';
import type { BrokerRedriveContext, BrokerRedriver, JobOutcome, RedriveJob } from './broker.js';
import { RedriveService } from './service.js';
import { deadLetterRecord, sqliteStoreWith } from './testing/records.js';

const TOKEN = 's3cret-token';

class ImmediateRedriver implements BrokerRedriver {
  async redrive(_destination: string, jobs: RedriveJob[], context: BrokerRedriveContext): Promise<JobOutcome[]> {
    return jobs.map((job) => ({ result: context.dryRun ? 'would-republish' : 'republished', target: { system: 'rabbitmq', destination: job.record.origin.destination } }));
  }
  async close(): Promise<void> {}
}

let app: FastifyInstance | undefined;
let store: Store | undefined;
afterEach(async () => {
  await app?.close();
  await store?.close();
  app = undefined;
  store = undefined;
});

const rabbit = deadLetterRecord({ eventId: 'r-1', error: { type: 'TypeError', message: 'x', fingerprint: 'aaaaaaaaaaaaaaaa' } });
const rabbit2 = deadLetterRecord({ eventId: 'r-2', error: { type: 'TypeError', message: 'x', fingerprint: 'aaaaaaaaaaaaaaaa' } });
const kafka = deadLetterRecord({ eventId: 'k-1', system: 'kafka', deadLetter: { destination: 't.DLT', reason: 'error', convention: 'spring-kafka', partition: 0, offset: '1' } });

async function start(adminToken: string | undefined, withService = true): Promise<FastifyInstance> {
  store = await sqliteStoreWith([rabbit, rabbit2, kafka]);
  const redrive = withService ? new RedriveService({ store, brokers: {}, redrivers: { rabbitmq: new ImmediateRedriver() } }) : undefined;
  // As the /api plugin registers it: its validator and error handler around the route file.
  const api: FastifyPluginAsyncTypebox = async (instance) => {
    instance.setValidatorCompiler(apiValidatorCompiler);
    instance.setErrorHandler(apiErrorHandler);
    await instance.register(redriveRoutes, { redrive, adminToken });
  };
  app = Fastify();
  await app.register(api, { prefix: '/api' });
  await app.ready();
  return app;
}

const auth = { authorization: `Bearer ${TOKEN}` };
const one = (id: string) => `/api/deadletters/${encodeURIComponent(id)}/redrive`;

describe('redrive routes', () => {
  it('are disabled without an admin token', async () => {
    const server = await start(undefined);
    for (const [url, payload] of [[one(rabbit.id), {}], ['/api/deadletters/redrive', { filter: {} }]] as const) {
      const response = await server.inject({ method: 'POST', url, payload, headers: auth });
      expect(response.statusCode).toBe(403);
      expect(response.json()).toEqual({ error: 'redrive disabled', message: 'start the collector with --admin-token to enable redrive' });
    }
    expect(await store!.listRedriveAudit({ limit: 10 })).toEqual([]);
  });

  it('need the bearer token', async () => {
    const server = await start(TOKEN);
    const missing = await server.inject({ method: 'POST', url: one(rabbit.id), payload: {} });
    expect(missing.statusCode).toBe(401);
    const wrong = await server.inject({ method: 'POST', url: one(rabbit.id), payload: {}, headers: { authorization: 'Bearer nope' } });
    expect(wrong.statusCode).toBe(401);
    // Checked before the body, so a stranger learns nothing from validation errors.
    const badBody = await server.inject({ method: 'POST', url: '/api/deadletters/redrive', payload: { nonsense: true } });
    expect(badBody.statusCode).toBe(401);
    expect(await store!.listRedriveAudit({ limit: 10 })).toEqual([]);
  });

  it('redrive one, naming the actor and the client address, and answer the audit entry', async () => {
    const server = await start(TOKEN);
    const response = await server.inject({ method: 'POST', url: one(rabbit.id), payload: {}, headers: { ...auth, 'x-causeway-actor': 'alice\r\nforged' } });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ dryRun: false, republished: 1, skipped: 0, failed: 0 });
    expect(body.results[0]).toMatchObject({ deadLetterId: rabbit.id, eventId: 'r-1', result: 'republished', actor: 'alice forged (127.0.0.1)', detail: null, newEventId: 'r-1', target: { system: 'rabbitmq', destination: 'orders' } });
    expect(Date.parse(body.results[0].at)).toBeGreaterThan(0);

    // Without a body too (a bare POST), and the loop guard answers through the route.
    const again = await server.inject({ method: 'POST', url: one(rabbit.id), headers: auth });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ republished: 0, skipped: 1, results: [{ result: 'skipped', actor: 'admin-token (127.0.0.1)' }] });
  });

  it('answer 404 for an unknown dead letter and 409 without the broker connection', async () => {
    const server = await start(TOKEN);
    const unknown = await server.inject({ method: 'POST', url: one('no-such|group'), payload: {}, headers: auth });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ error: 'dead letter not found', id: 'no-such|group' });
    const noKafka = await server.inject({ method: 'POST', url: one(kafka.id), payload: { dryRun: true }, headers: auth });
    expect(noKafka.statusCode).toBe(409);
    expect(noKafka.json().message).toContain('--kafka');
  });

  it('answer 409 when the collector has no redrive service', async () => {
    const server = await start(TOKEN, false);
    const response = await server.inject({ method: 'POST', url: one(rabbit.id), payload: {}, headers: auth });
    expect(response.statusCode).toBe(409);
    expect(response.json().message).toMatch(/--kafka|--rabbitmq/);
  });

  it('bulk: redrive by filter (dry run), and refuse bad bodies', async () => {
    const server = await start(TOKEN);
    const response = await server.inject({ method: 'POST', url: '/api/deadletters/redrive', payload: { filter: { fingerprint: 'aaaaaaaaaaaaaaaa' }, dryRun: true }, headers: auth });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ dryRun: true, republished: 2, skipped: 0, failed: 0 });
    expect(body.results.map((entry: { eventId: string }) => entry.eventId).sort()).toEqual(['r-1', 'r-2']);

    const withKafka = await server.inject({ method: 'POST', url: '/api/deadletters/redrive', payload: { filter: {}, limit: 10 }, headers: auth });
    expect(withKafka.json()).toMatchObject({ republished: 2, skipped: 1 });
    expect(withKafka.json().results.find((entry: { eventId: string }) => entry.eventId === 'k-1').detail).toContain('--kafka');

    for (const payload of [{ filter: { reason: 'bored' } }, { filter: {}, limit: 5000 }, { filter: { colour: 'red' } }, { filter: { from: 'yesterday' } }, {}]) {
      const bad = await server.inject({ method: 'POST', url: '/api/deadletters/redrive', payload, headers: auth });
      expect(bad.statusCode, JSON.stringify(payload)).toBe(400);
    }
  });
});
