/**
 * The query API through `app.inject()`, over the real SQLite and Elasticsearch stores filled by
 * the correlator from realistic spans (never by writing records by hand). Needs the test services'
 * Elasticsearch; without it the Elasticsearch half fails (it never skips).
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Correlator } from '../../correlation/correlator.js';
import { batchChain, linkedChain, makeSpan, plainChain, sdkChain, spanIdOf, traceIdOf, type Chain } from '../../correlation/testing/chains.js';
import { errorHandler } from '../../error-handler.js';
import { buildLineage } from '../../query/lineage.js';
import { deleteIndexPrefix } from '../../../../test/support/elasticsearch.js';
import { services, uniqueName } from '../../../../test/support/services.js';
import { ElasticsearchStore } from '../../store/elasticsearch/elasticsearch-store.js';
import { createStore } from '../../store/index.js';
import type { Store } from '../../store/store.js';
import apiRoutes from './index.js';

interface StoreUnderTest {
  open(): Promise<Store>;
  /** Make what was written visible to searches (Elasticsearch is near-real-time). */
  settle(store: Store): Promise<void>;
  dispose(store: Store): Promise<void>;
}

const sqlite: StoreUnderTest = {
  async open() {
    const store = createStore({ url: 'sqlite::memory:' });
    await store.init();
    return store;
  },
  async settle() {},
  async dispose(store) {
    await store.close();
  },
};

const prefix = uniqueName('cw-api');
const elasticsearch: StoreUnderTest = {
  async open() {
    const store = new ElasticsearchStore(services.elasticsearchUrl, { indexPrefix: prefix });
    await store.init();
    return store;
  },
  async settle(store) {
    await (store as ElasticsearchStore).client.indices.refresh({ index: `${prefix}-*` });
  },
  async dispose(store) {
    await deleteIndexPrefix(prefix);
    await store.close();
  },
};

describe.each([
  ['SQLite', sqlite],
  ['Elasticsearch', elasticsearch],
] as const)('query API over %s', (_kind, { open: openStore, settle, dispose }) => {
  const T0 = Date.UTC(2025, 0, 15, 10, 0, 0);
  let store: Store;
  let app: FastifyInstance;
  let sdk: Chain;
  let plain: Chain;
  let linked: Chain;
  let batch: Chain;
  /** Published by shipping while handling the payment of the SDK chain: a third generation. */
  const SHIPMENT_ID = 'shipment-1';

  beforeAll(async () => {
    store = await openStore();
    sdk = sdkChain(1, T0);
    plain = plainChain(2, T0 + 60_000);
    linked = linkedChain(3, T0 + 120_000);
    batch = batchChain(4, T0 + 180_000);
    const shippingProcess = sdk.spans.find((s) => s.service === 'shipping' && s.kind === 'consumer')!;
    const shipment = makeSpan({
      traceId: shippingProcess.traceId, spanId: spanIdOf(1, 50), parentSpanId: shippingProcess.spanId, name: 'send shipments', kind: 'producer', service: 'shipping',
      start: T0 + 90, end: T0 + 92,
      attributes: { 'messaging.system': 'kafka', 'messaging.operation.type': 'send', 'messaging.destination.name': 'shipments', 'messaging.message.id': SHIPMENT_ID, 'causeway.event.type': 'ShipmentCreated', 'causeway.event.parent_id': sdk.paymentEventId },
    });
    const foreignConsumer = makeSpan({
      traceId: traceIdOf(5, 1), spanId: spanIdOf(5, 1), name: 'process legacy', kind: 'consumer', service: 'audit', start: T0 + 200_000, end: T0 + 200_010,
      attributes: { 'messaging.system': 'rabbitmq', 'messaging.destination.name': 'legacy', 'messaging.message.id': 'legacy-7', 'causeway.event.type': 'LegacyThing' },
    });

    // Arrive the way a collector sees them: several requests, out of order, one of them twice.
    const correlator = new Correlator(store);
    await correlator.ingest([...batch.spans].reverse());
    await correlator.ingest([...sdk.spans.slice(2), shipment]);
    await correlator.ingest([...plain.spans, ...linked.spans]);
    await correlator.ingest(sdk.spans.slice(0, 2));
    await correlator.ingest([foreignConsumer]);
    await correlator.ingest(sdk.spans.slice(0, 2));
    await settle(store);

    app = Fastify({ logger: false });
    app.setErrorHandler(errorHandler);
    await app.register(apiRoutes, { prefix: '/api', store });
    await app.ready();
  });

  afterAll(async () => {
    await app?.close();
    if (store) await dispose(store);
  });

  async function get(url: string) {
    const response = await app.inject({ method: 'GET', url });
    return { status: response.statusCode, body: response.json() };
  }

  describe('GET /api/events/:id', () => {
    it('answers an event with its producer and consumers, times as ISO-8601', async () => {
      const { status, body } = await get('/api/events/order-1');
      expect(status).toBe(200);
      expect(body).toEqual({
        id: 'order-1',
        type: 'OrderPlaced',
        traceId: sdk.spans[0]!.traceId,
        spanId: sdk.spans[0]!.spanId,
        producer: { service: 'orders' },
        destination: 'orders',
        system: 'kafka',
        publishedAt: '2025-01-15T10:00:00.000Z',
        sendDurationMs: 4,
        sendError: false,
        status: 'ok',
        consumers: [
          {
            service: 'payments',
            group: 'payments',
            system: 'kafka',
            destination: 'orders',
            outcome: 'ok',
            receivedAt: '2025-01-15T10:00:00.020Z',
            processedAt: '2025-01-15T10:00:00.060Z',
            durationMs: 40,
            queueMs: 20,
            traceId: sdk.spans[1]!.traceId,
            spanId: sdk.spans[1]!.spanId,
          },
        ],
      });
    });

    it('names plain-SDK events after their producer span and reports failed consumers', async () => {
      const { status, body } = await get(`/api/events/${plain.paymentEventId}`);
      expect(status).toBe(200);
      expect(body).toMatchObject({ id: plain.paymentEventId, type: null, producer: { service: 'payments' }, status: 'error' });
      expect(body.consumers).toEqual([expect.objectContaining({ service: 'shipping', outcome: 'error', queueMs: 40 })]);
    });

    it('answers an event known only from its consumers, with null producer fields', async () => {
      const { status, body } = await get('/api/events/legacy-7');
      expect(status).toBe(200);
      expect(body).toMatchObject({ id: 'legacy-7', type: 'LegacyThing', producer: null, traceId: null, publishedAt: null, destination: 'legacy', status: 'ok' });
      expect(body.consumers).toHaveLength(1);
    });

    it('answers 404 for an unknown event', async () => {
      expect(await get('/api/events/nope')).toEqual({ status: 404, body: { error: 'event not found', id: 'nope' } });
    });

    it('accepts ids that need URL encoding', async () => {
      expect((await get(`/api/events/${encodeURIComponent('a b/c')}`)).body).toEqual({ error: 'event not found', id: 'a b/c' });
    });
  });

  describe('GET /api/events/:id/lineage', () => {
    it('walks descendants across services and traces', async () => {
      const { status, body } = await get('/api/events/order-1/lineage?direction=down');
      expect(status).toBe(200);
      expect(body.root).toBe('order-1');
      expect(body.truncated).toBe(false);
      expect(body.nodes.map((n: { id: string; distance: number }) => [n.id, n.distance])).toEqual([
        ['order-1', 0],
        ['payment-1', 1],
        [SHIPMENT_ID, 2],
      ]);
      expect(body.nodes[1]).toEqual({ id: 'payment-1', type: 'PaymentAuthorized', service: 'payments', destination: 'payments', publishedAt: '2025-01-15T10:00:00.040Z', status: 'ok', distance: 1 });
      expect(body.nodes[2].status).toBe('pending');
      expect(body.edges).toEqual([
        { from: 'order-1', to: 'payment-1', via: 'attribute' },
        { from: 'payment-1', to: SHIPMENT_ID, via: 'attribute' },
      ]);
    });

    it('walks ancestors, both ways by default, and stops at depth', async () => {
      const up = (await get(`/api/events/${SHIPMENT_ID}/lineage?direction=up&depth=1`)).body;
      expect(up.nodes.map((n: { id: string }) => n.id)).toEqual([ 'payment-1', SHIPMENT_ID ]);
      const both = (await get('/api/events/payment-1/lineage')).body;
      expect(both.direction).toBe('both');
      expect(both.depth).toBe(10);
      expect(both.nodes.map((n: { id: string }) => n.id)).toEqual(['order-1', 'payment-1', SHIPMENT_ID]);
      expect(both.edges).toHaveLength(2);
    });

    it('gathers every message of a batch as a parent, with statuses from deliveries', async () => {
      const { body } = await get(`/api/events/${batch.paymentEventId}/lineage?direction=up`);
      expect(body.nodes.map((n: { id: string }) => n.id).sort()).toEqual([...batch.orderEventIds, batch.paymentEventId].sort());
      expect(body.edges.every((e: { via: string }) => e.via === 'link')).toBe(true);
      const root = body.nodes.find((n: { id: string }) => n.id === batch.paymentEventId);
      expect(root.status).toBe('dead-lettered');
      expect((await get(`/api/events/${linked.orderEventIds[0]}/lineage`)).body.nodes.map((n: { status: string }) => n.status)).toEqual(['ok', 'retried']);
    });

    it('answers 404 for an event nothing is known about', async () => {
      expect(await get('/api/events/nope/lineage')).toEqual({ status: 404, body: { error: 'event not found', id: 'nope' } });
    });

    it('stops at the node budget and says so', async () => {
      const lineage = await buildLineage(store, batch.paymentEventId, { direction: 'up', depth: 5, maxNodes: 2 });
      expect(lineage?.nodes).toHaveLength(2);
      expect(lineage?.edges).toHaveLength(1);
      expect(lineage?.truncated).toBe(true);
    });

    it.each([
      ['depth=0', 'depth must be an integer between 1 and 50'],
      ['depth=51', 'depth must be an integer between 1 and 50'],
      ['depth=5.5', 'depth must be an integer between 1 and 50'],
      ['depth=ten', 'depth must be an integer between 1 and 50'],
      ['depth=1&depth=2', 'depth must be an integer between 1 and 50'],
      ['direction=sideways', 'direction must be one of up, down, both'],
      ['dept=3', 'unknown querystring parameter dept; known: direction, depth'],
    ])('answers 400 for %s', async (query, message) => {
      expect(await get(`/api/events/order-1/lineage?${query}`)).toEqual({ status: 400, body: { error: 'bad request', message } });
    });
  });

  describe('GET /api/events', () => {
    it('lists events newest first with consumer counts and statuses', async () => {
      const { status, body } = await get('/api/events?limit=1000');
      expect(status).toBe(200);
      const times = body.events.map((e: { publishedAt: string }) => e.publishedAt);
      expect(times).toEqual([...times].sort().reverse());
      expect(body.events).toHaveLength(11);
      const order = body.events.find((e: { id: string }) => e.id === 'order-1');
      expect(order).toMatchObject({ producer: { service: 'orders' }, consumerCount: 1, status: 'ok' });
      expect(order.consumers).toBeUndefined();
    });

    it('filters by type, producing service, destination and time', async () => {
      const byType = (await get('/api/events?type=OrderPlaced')).body.events.map((e: { id: string }) => e.id);
      expect(byType.sort()).toEqual(['order-1', ...batch.orderEventIds].sort());
      const byService = (await get('/api/events?service=shipping')).body.events.map((e: { id: string }) => e.id);
      expect(byService).toEqual([SHIPMENT_ID]);
      const byDestination = (await get('/api/events?destination=payments&limit=2')).body.events;
      expect(byDestination).toHaveLength(2);
      expect(byDestination[0].id).toBe(batch.paymentEventId);
      const window = (await get(`/api/events?from=${T0 + 60_000}&to=2025-01-15T10:01:30Z`)).body.events.map((e: { id: string }) => e.id);
      expect(window.sort()).toEqual([...plain.orderEventIds, plain.paymentEventId].sort());
    });

    it.each([
      ['limit=0', 'limit must be an integer between 1 and 1000'],
      ['limit=1001', 'limit must be an integer between 1 and 1000'],
      ['from=yesterday', 'from must be an ISO-8601 time or epoch milliseconds'],
      ['to=2025-13-45T99:00:00Z', 'to must be an ISO-8601 time or epoch milliseconds'],
      ['from=2025-01-15T11:00:00Z&to=2025-01-15T10:00:00Z', 'from must be before to'],
      ['type=', 'type must be a single non-empty value'],
    ])('answers 400 for %s', async (query, message) => {
      expect(await get(`/api/events?${query}`)).toEqual({ status: 400, body: { error: 'bad request', message } });
    });
  });

  describe('GET /api/topology', () => {
    it('answers services and destinations with producer and consumer edges', async () => {
      const { status, body } = await get('/api/topology?from=2025-01-15T09:00:00Z&to=2025-01-15T11:00:00Z');
      expect(status).toBe(200);
      expect(body.from).toBe('2025-01-15T09:00:00.000Z');
      const ids = body.nodes.map((n: { id: string }) => n.id);
      expect(ids).toEqual(expect.arrayContaining(['service:orders', 'service:payments', 'service:shipping', 'service:audit', 'destination:orders', 'destination:payments', 'destination:shipments', 'destination:legacy']));
      expect(body.nodes.find((n: { id: string }) => n.id === 'destination:orders')).toEqual({ id: 'destination:orders', kind: 'destination', name: 'orders' });
      const ordersPublished = body.edges.find((e: { from: string; to: string }) => e.from === 'service:orders' && e.to === 'destination:orders');
      // orders published: 1 (sdk) + 1 (plain) + 1 (linked) + 3 (batch)
      expect(ordersPublished).toMatchObject({ count: 6, errors: 0 });
      const shippingConsumed = body.edges.filter((e: { from: string; to: string }) => e.from === 'destination:payments' && e.to === 'service:shipping');
      const total = shippingConsumed.reduce((sum: number, e: { count: number }) => sum + e.count, 0);
      const errors = shippingConsumed.reduce((sum: number, e: { errors: number }) => sum + e.errors, 0);
      expect(total).toBe(4);
      // error (plain) and dead-lettered (batch) count as errors; retried (linked) is not one.
      expect(errors).toBe(2);
      expect(shippingConsumed.some((e: { group?: string }) => e.group === 'shipping')).toBe(true);
    });

    it('defaults to the last hour', async () => {
      const { status, body } = await get('/api/topology');
      expect(status).toBe(200);
      expect(Date.parse(body.to) - Date.parse(body.from)).toBe(3_600_000);
      expect(body.nodes).toEqual([]);
    });

    it('refuses a reversed range', async () => {
      expect(await get('/api/topology?from=1736935200000&to=1736935100000')).toEqual({ status: 400, body: { error: 'bad request', message: 'from must be before to' } });
    });
  });

  describe('GET /api/traces/:traceId', () => {
    it('answers every span of the trace, earliest first', async () => {
      const traceId = sdk.spans[0]!.traceId;
      const { status, body } = await get(`/api/traces/${traceId.toUpperCase()}`);
      expect(status).toBe(200);
      expect(body.traceId).toBe(traceId);
      expect(body.truncated).toBe(false);
      expect(body.spans.map((s: { name: string }) => s.name)).toEqual(['send orders', 'process orders', 'publish payments', 'process payments', 'send shipments', 'ack payments']);
      expect(body.spans[0]).toMatchObject({ parentSpanId: null, kind: 'producer', service: 'orders', startTime: '2025-01-15T10:00:00.000Z', status: { code: 'unset' } });
      expect(body.spans[0].attributes['messaging.message.id']).toBe('order-1');
    });

    it('answers 404 for an unknown trace and 400 for a malformed id', async () => {
      expect(await get(`/api/traces/${'ab'.repeat(16)}`)).toEqual({ status: 404, body: { error: 'trace not found', id: 'ab'.repeat(16) } });
      expect(await get('/api/traces/not-a-trace')).toEqual({ status: 400, body: { error: 'bad request', message: 'traceId must be 32 hexadecimal characters' } });
    });
  });
});
