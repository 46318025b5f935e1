/**
 * The correlator over the real Elasticsearch store: out-of-order, duplicated arrival must end in
 * the same records as SQLite derives from the whole chain at once. Needs the Elasticsearch of the
 * test services; without it this test fails (it never skips).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteIndexPrefix } from '../../../test/support/elasticsearch.js';
import { services, uniqueName } from '../../../test/support/services.js';
import { ElasticsearchStore } from '../store/elasticsearch/elasticsearch-store.js';
import { createStore } from '../store/index.js';
import type { Store } from '../store/store.js';
import { Correlator } from './correlator.js';
import { batchChain, linkedChain, plainChain, sdkChain, sdkDroppedContextChain, type Chain } from './testing/chains.js';

const prefix = uniqueName('cw-corr');
let elasticsearch: ElasticsearchStore;

beforeAll(async () => {
  elasticsearch = new ElasticsearchStore(services.elasticsearchUrl, { indexPrefix: prefix });
  await elasticsearch.init();
});

afterAll(async () => {
  if (!elasticsearch) return;
  await deleteIndexPrefix(prefix);
  await elasticsearch.close();
});

async function snapshot(store: Store, chain: Chain) {
  const ids = [...chain.orderEventIds, chain.paymentEventId];
  const byId = <T extends { id: string }>(items: T[]) => [...items].sort((a, b) => (a.id < b.id ? -1 : 1));
  return {
    events: byId(await store.getEvents(ids)),
    deliveries: byId(await store.getDeliveries(ids)),
    edges: byId(await store.getEdges(ids, 'down')),
  };
}

async function reference(chain: Chain) {
  const sqlite = createStore({ url: 'sqlite::memory:' });
  await sqlite.init();
  try {
    await new Correlator(sqlite).ingest(chain.spans);
    return await snapshot(sqlite, chain);
  } finally {
    await sqlite.close();
  }
}

describe('Correlator over Elasticsearch', () => {
  it.each([
    ['Causeway SDK', sdkChain, 101],
    ['Causeway SDK, context dropped', sdkDroppedContextChain, 102],
    ['plain OpenTelemetry', plainChain, 103],
    ['cross-trace links', linkedChain, 104],
    ['batch', batchChain, 105],
  ] as const)('%s spans arriving one by one in reverse, then again, end as SQLite derives them', async (_name, makeChain, seed) => {
    const chain = makeChain(seed);
    const correlator = new Correlator(elasticsearch);
    for (const span of [...chain.spans].reverse()) await correlator.ingest([structuredClone(span)]);
    await correlator.ingest(chain.spans.map((span) => structuredClone(span)));
    // Derived records are near-real-time in Elasticsearch; make them searchable before reading.
    await elasticsearch.client.indices.refresh({ index: `${prefix}-*` });

    const expected = await reference(chain);
    expect(expected.edges.length).toBeGreaterThan(0);
    expect(await snapshot(elasticsearch, chain)).toEqual(expected);
  });

  it.each([
    ['Causeway SDK', sdkChain, 111],
    ['plain OpenTelemetry', plainChain, 113],
    ['cross-trace links', linkedChain, 114],
    ['batch', batchChain, 115],
  ] as const)('%s spans ingested in overlapping calls (each started before the previous resolved) end as SQLite derives them', async (_name, makeChain, seed) => {
    const chain = makeChain(seed);
    const correlator = new Correlator(elasticsearch);
    // One span per call, in reverse, all in flight at once: every call's reads run before the
    // earlier calls' spans were refreshed, so each depends on the spans held in memory.
    await Promise.all([...chain.spans].reverse().map((span) => correlator.ingest([structuredClone(span)])));
    await elasticsearch.client.indices.refresh({ index: `${prefix}-*` });

    const expected = await reference(chain);
    expect(expected.edges.length).toBeGreaterThan(0);
    expect(await snapshot(elasticsearch, chain)).toEqual(expected);
  });
});
