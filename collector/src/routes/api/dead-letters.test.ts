/**
 * The dead-letter API through `app.inject()`, over the SQLite store filled by the correlator from
 * realistic spans (the stores themselves are held to the same contract, Elasticsearch included).
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Correlator } from '../../correlation/correlator.js';
import { errorHandler } from '../../error-handler.js';
import { rabbitReject, springDlt, T0 } from '../../deadletters/testing/fixtures.js';
import { createStore } from '../../store/index.js';
import type { Store } from '../../store/store.js';
import apiRoutes from './index.js';

describe('dead-letter API', () => {
  let store: Store;
  let app: FastifyInstance;
  const range = `from=${T0 - 60_000}&to=${T0 + 3_600_000}`;
  const get = async (url: string) => {
    const response = await app.inject({ method: 'GET', url });
    return { status: response.statusCode, body: response.json() as Record<string, unknown> & { deadLetters: Array<Record<string, any>>; rows: Array<Record<string, any>> } };
  };

  beforeAll(async () => {
    store = createStore({ url: 'sqlite::memory:' });
    await store.init();
    const correlator = new Correlator(store);
    // 50 RabbitMQ rejects whose messages differ only in ids, one minute apart, and one Kafka DLT.
    for (let i = 0; i < 50; i++) await correlator.ingest(rabbitReject(100 + i, T0 + i * 60_000).spans);
    await correlator.ingest(springDlt(7, T0 + 5_000).spans);
    app = Fastify({ logger: false });
    app.setErrorHandler(errorHandler);
    await app.register(apiRoutes, { prefix: '/api', store });
  });

  afterAll(async () => {
    await app?.close();
    await store?.close();
  });

  it('lists one record per dead-lettered message, newest first, filtered', async () => {
    const all = await get(`/api/deadletters?${range}&limit=1000`);
    expect(all.status).toBe(200);
    expect(all.body.deadLetters).toHaveLength(51);
    const times = all.body.deadLetters.map((d) => Date.parse(d.deadLetteredAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));

    const kafka = await get(`/api/deadletters?${range}&group=payments`);
    expect(kafka.body.deadLetters).toEqual([
      expect.objectContaining({
        id: 'kafka-order-7|payments',
        origin: { destination: 'orders', partition: 2, offset: '41', group: 'payments', service: null },
        deadLetter: { destination: 'orders.DLT', reason: 'error', convention: 'spring-kafka' },
        attempts: 3,
        producer: { service: 'orders', version: '2.0.0' },
        redriveCount: 0,
        deadLetteredAgainAfterRedrive: false,
      }),
    ]);
    const rejected = await get(`/api/deadletters?${range}&reason=rejected&limit=5`);
    expect(rejected.body.deadLetters).toHaveLength(5);
    expect(rejected.body.deadLetters.every((d) => d.origin.group === 'payments-q' && d.origin.service === 'payments')).toBe(true);
  });

  it('groups failures that differ only in ids into one hotspot', async () => {
    const { status, body } = await get(`/api/deadletters/hotspots?${range}&groupBy=fingerprint,group&bucket=10m`);
    expect(status).toBe(200);
    expect(body.groupBy).toEqual(['fingerprint', 'group']);
    expect(body.bucketMs).toBe(600_000);
    const [top, second] = body.rows;
    expect(top).toMatchObject({ count: 50, key: { group: 'payments-q' }, sample: { errorType: 'CustomerMissingError' } });
    expect(second).toMatchObject({ count: 1, key: { group: 'payments' } });
    expect(top?.series.reduce((sum: number, p: { count: number }) => sum + p.count, 0)).toBe(50);
    // 50 minutes of failures at the start of a 61-minute range: fading.
    expect(top?.trend).toBeLessThan(0);
  });

  it('shows one dead letter in full with its lineage pointer, and flags one that failed again after a redrive', async () => {
    const id = 'rmq-order-100|payments-q';
    const detail = await get(`/api/deadletters/${encodeURIComponent(id)}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({
      id,
      lineage: { eventId: 'rmq-order-100', apiPath: '/api/events/rmq-order-100/lineage' },
      payload: null,
      redrives: [],
      deadLetteredAgainAfterRedrive: false,
    });
    expect((detail.body.error as { stack: string }).stack).toContain('CustomerMissingError');

    await store.putRedriveAudit([
      { id: `${id}|1|0`, deadLetterId: id, eventId: 'rmq-order-100', at: T0 - 1000, actor: 'admin-token', dryRun: false, result: 'republished', target: { system: 'rabbitmq', destination: 'payments-q' } },
    ]);
    const again = await get(`/api/deadletters/${encodeURIComponent(id)}`);
    expect(again.body).toMatchObject({ redriveCount: 1, deadLetteredAgainAfterRedrive: true });
    const lineage = await get('/api/events/rmq-order-100/lineage');
    expect((lineage.body.nodes as Array<{ id: string; status: string }>).find((n) => n.id === 'rmq-order-100')?.status).toBe('dead-lettered');
  });

  it('answers 404 for an unknown id and 400 for bad parameters', async () => {
    expect((await get('/api/deadletters/nope')).status).toBe(404);
    expect((await get('/api/deadletters?reason=bored')).status).toBe(400);
    expect((await get('/api/deadletters?limit=0')).status).toBe(400);
    expect((await get('/api/deadletters?from=yesterday')).status).toBe(400);
    expect((await get('/api/deadletters/hotspots?groupBy=colour')).status).toBe(400);
    expect((await get('/api/deadletters/hotspots?bucket=fast')).status).toBe(400);
    expect((await get(`/api/deadletters/hotspots?from=${T0}&to=${T0 - 1}`)).status).toBe(400);
  });
});
