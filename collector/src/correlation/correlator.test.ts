/**
 * The correlator over the real SQLite store: spans of one chain arriving in every order, in
 * separate requests, twice, must end in exactly the records the whole chain gives at once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SpanRecord } from '../model/span.js';
import { createStore } from '../store/index.js';
import type { Store } from '../store/store.js';
import { Correlator, type CorrelatorOptions } from './correlator.js';
import { batchChain, linkedChain, plainChain, sdkChain, sdkDroppedContextChain, type Chain } from './testing/chains.js';

const open: Store[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((store) => store.close()));
});

async function newStore(): Promise<Store> {
  const store = createStore({ url: 'sqlite::memory:' });
  await store.init();
  open.push(store);
  return store;
}

/** Everything the store holds about the chain, in a stable order. */
async function snapshot(store: Store, chain: Chain) {
  const ids = [...chain.orderEventIds, chain.paymentEventId];
  const byId = <T extends { id: string }>(items: T[]) => [...items].sort((a, b) => (a.id < b.id ? -1 : 1));
  return {
    events: byId(await store.getEvents(ids)),
    deliveries: byId(await store.getDeliveries(ids)),
    edges: byId(await store.getEdges(ids, 'down')),
  };
}

async function arrive(requests: SpanRecord[][], chain: Chain, options?: CorrelatorOptions) {
  const store = await newStore();
  const correlator = new Correlator(store, options);
  for (const request of requests) await correlator.ingest(request.map((span) => structuredClone(span)));
  const result = await snapshot(store, chain);
  await store.close();
  open.splice(open.indexOf(store), 1);
  return result;
}

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

/** Deterministic pseudo-random numbers, so a failing arrangement can be replayed. */
function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Split an arrival order into 1–3 requests and send one random span a second time. */
function withRequestsAndDuplicate(order: SpanRecord[], random: () => number): SpanRecord[][] {
  const cut1 = Math.floor(random() * order.length);
  const cut2 = cut1 + Math.floor(random() * (order.length - cut1));
  const requests = [order.slice(0, cut1), order.slice(cut1, cut2), order.slice(cut2)].filter((r) => r.length > 0);
  const duplicate = order[Math.floor(random() * order.length)]!;
  requests.push([duplicate]);
  return requests;
}

const STYLES: Array<[string, (seed: number) => Chain, { deliveries: number; edges: number; events: number }]> = [
  ['Causeway SDK spans (message ids, parent_id)', sdkChain, { events: 2, deliveries: 2, edges: 1 }],
  ['Causeway SDK spans in separate traces (context dropped, message ids only)', sdkDroppedContextChain, { events: 2, deliveries: 2, edges: 1 }],
  ['plain OpenTelemetry spans (consumer is child of producer)', plainChain, { events: 2, deliveries: 2, edges: 1 }],
  ['cross-trace consumers linking to producers', linkedChain, { events: 2, deliveries: 2, edges: 1 }],
  ['a batch consumer linking three producers', batchChain, { events: 4, deliveries: 4, edges: 3 }],
];

describe('Correlator over SQLite', () => {
  describe.each(STYLES)('%s', (_name, makeChain, counts) => {
    const chain = makeChain(42);

    it('derives the full chain from one request', async () => {
      const all = await arrive([chain.spans], chain);
      expect(all.events).toHaveLength(counts.events);
      expect(all.deliveries).toHaveLength(counts.deliveries);
      expect(all.edges).toHaveLength(counts.edges);
      expect(all.edges.every((e) => e.to === chain.paymentEventId && chain.orderEventIds.includes(e.from))).toBe(true);
      // Queue times come from the producer spans (all loaded by now), not from consumer hints.
      for (const delivery of all.deliveries) {
        const producer = all.events.find((e) => e.id === delivery.eventId);
        expect(delivery.queueMs).toBe(delivery.receivedAt - producer!.publishedAt);
      }
    });

    it('ends in the same records for every arrival order, one span per request', async () => {
      const expected = await arrive([chain.spans], chain);
      const orders = permutations(chain.spans);
      // Batch chains have 8 spans (40,320 orders): check a fixed sample plus the reversed order.
      const random = rng(7);
      const sample = orders.length <= 120 ? orders : [[...chain.spans].reverse(), ...Array.from({ length: 120 }, () => orders[Math.floor(random() * orders.length)]!)];
      for (const order of sample) {
        const got = await arrive(order.map((span) => [span]), chain);
        expect(got, `arrival order ${order.map((s) => s.name).join(' → ')}`).toEqual(expected);
      }
    });

    it('ends in the same records when requests group spans differently and repeat one', async () => {
      const expected = await arrive([chain.spans], chain);
      const random = rng(11);
      const orders = permutations(chain.spans.length <= 5 ? chain.spans : chain.spans.slice(0, 5)).map((head) => [...head, ...chain.spans.slice(5)]);
      for (let i = 0; i < 40; i++) {
        const order = orders[Math.floor(random() * orders.length)]!;
        const requests = withRequestsAndDuplicate(order, random);
        const got = await arrive(requests, chain);
        expect(got, `requests ${requests.map((r) => r.map((s) => s.name).join(',')).join(' | ')}`).toEqual(expected);
      }
    });

    it('changes nothing when the whole chain arrives twice, and works with the smallest look-up chunks', async () => {
      const expected = await arrive([chain.spans], chain);
      expect(await arrive([chain.spans, chain.spans], chain)).toEqual(expected);
      expect(await arrive([[...chain.spans].reverse()], chain, { tracesPerPass: 1, idsPerQuery: 1 })).toEqual(expected);
      expect(await arrive(chain.spans.map((s) => [s]).reverse(), chain, { tracesPerPass: 1, idsPerQuery: 1 })).toEqual(expected);
      expect(await arrive(chain.spans.map((s) => [s]), chain, { tracesPerPass: 1, idsPerQuery: 1, recordsPerWrite: 1 })).toEqual(expected);
    });
  });

  it('updates a delivery when its settle span arrives later, and keeps the spans queryable', async () => {
    const store = await newStore();
    const correlator = new Correlator(store);
    const chain = linkedChain(43);
    const settle = chain.spans.find((s) => s.name.startsWith('nack'))!;
    await correlator.ingest(chain.spans.filter((s) => s !== settle));
    const before = await store.getDeliveries([chain.paymentEventId]);
    expect(before.map((d) => d.outcome)).toEqual(['ok']);
    await correlator.ingest([settle]);
    const after = await store.getDeliveries([chain.paymentEventId]);
    expect(after.map((d) => d.outcome)).toEqual(['retried']);
    expect(await store.getTraceSpans([settle.traceId])).toHaveLength(2);
  });

  it('fills in queue time and the producer when a consumer-only event gets its producer span', async () => {
    const store = await newStore();
    const correlator = new Correlator(store);
    const chain = sdkChain(44);
    const [orderSend, paymentsProcess] = chain.spans;
    await correlator.ingest([paymentsProcess!]);
    expect(await store.getEvents([chain.orderEventIds[0]!])).toEqual([]);
    expect((await store.getDeliveries([chain.orderEventIds[0]!]))[0]?.queueMs).toBe(15);
    await correlator.ingest([orderSend!]);
    expect((await store.getEvents([chain.orderEventIds[0]!]))[0]?.producerService).toBe('orders');
    expect((await store.getDeliveries([chain.orderEventIds[0]!]))[0]?.queueMs).toBe(20);
  });

  it.each(STYLES)('%s in overlapping calls on a database file (threaded writer) end as one request derives them', async (_name, makeChain) => {
    const chain = makeChain(45);
    const expected = await arrive([chain.spans], chain);
    const dir = mkdtempSync(join(tmpdir(), 'causeway-correlator-'));
    const store = createStore({ url: `sqlite:${join(dir, 'causeway.db')}` });
    try {
      await store.init();
      expect(store.deferredSpanVisibility).toBe(true);
      const correlator = new Correlator(store);
      // One span per call, in reverse, all in flight at once (the ingest pipeline keeps up to three):
      // each call's reads run before the earlier calls' spans were committed.
      await Promise.all([...chain.spans].reverse().map((span) => correlator.ingest([structuredClone(span)])));
      expect(await snapshot(store, chain)).toEqual(expected);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('accepts an empty batch', async () => {
    const store = await newStore();
    await expect(new Correlator(store).ingest([])).resolves.toBeUndefined();
  });
});
