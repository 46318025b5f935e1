import { afterAll, describe, expect, it, vi } from 'vitest';
import { deleteIndexPrefix } from '../../../../test/support/elasticsearch.js';
import { services, uniqueName } from '../../../../test/support/services.js';
import { createStore } from '../index.js';
import { describeStoreContract } from '../store-contract.js';
import { BASE_DAY, event, span } from '../contract/records.js';
import { BulkWriteError } from './bulk.js';
import { ElasticsearchStore } from './elasticsearch-store.js';

// Lower-case: index names must be.
const prefix = uniqueName('cw-test').toLowerCase();
const admin = new ElasticsearchStore(services.elasticsearchUrl, { indexPrefix: prefix });

afterAll(async () => {
  await deleteIndexPrefix(prefix);
  await admin.close();
});

describeStoreContract(
  'elasticsearch',
  async () => {
    const store = new ElasticsearchStore(services.elasticsearchUrl, { indexPrefix: prefix });
    await store.init();
    return store;
  },
  { settle: async () => void (await admin.client.indices.refresh({ index: `${prefix}-*` })) },
);

describe('ElasticsearchStore', () => {
  it('creates composable templates and writes each record to the daily index of its own time', async () => {
    const store = new ElasticsearchStore(services.elasticsearchUrl, { indexPrefix: prefix });
    await store.init();
    const { index_templates: templates } = await admin.client.indices.getIndexTemplate({ name: `${prefix}-*` });
    expect(templates.map((t) => [t.name, t.index_template.index_patterns, t.index_template.priority]).sort()).toEqual(
      ['deliveries', 'edges', 'events', 'spans'].map((kind) => [`${prefix}-${kind}`, [`${prefix}-${kind}-*`], 500]),
    );

    const late = span({ startTime: BASE_DAY + 86_399_999.5 });
    await store.putSpans([late]);
    const index = `${prefix}-spans-2024.03.10`;
    const doc = await admin.client.get({ index, id: `${late.traceId}-${late.spanId}` });
    expect(doc.found).toBe(true);
    const mapping = (await admin.client.indices.getMapping({ index }))[index]?.mappings.properties ?? {};
    expect(mapping.startTime).toMatchObject({ type: 'date_nanos' });
    expect(mapping.attributes).toMatchObject({ type: 'object', enabled: false });
    expect(mapping.traceId).toMatchObject({ type: 'keyword' });
    await store.close();
  });

  it('makes events readable without any explicit refresh, eventually', async () => {
    const store = new ElasticsearchStore(services.elasticsearchUrl, { indexPrefix: prefix });
    await store.init();
    const published = event();
    await store.putEvents([published]);
    await vi.waitFor(async () => expect(await store.getEvents([published.id])).toStrictEqual([published]), {
      timeout: 30_000,
      interval: 200,
    });
    await store.close();
  });

  it('raises a BulkWriteError naming the document Elasticsearch rejects', async () => {
    const store = new ElasticsearchStore(services.elasticsearchUrl, { indexPrefix: prefix });
    await store.init();
    const good = event();
    const bad = { ...event(), sendDurationMs: 'not a number' as unknown as number };
    const failure = await store.putEvents([good, bad]).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(BulkWriteError);
    const { failures, message } = failure as BulkWriteError;
    expect(failures).toEqual([expect.objectContaining({ id: bad.id, index: `${prefix}-events-2024.03.10`, status: 400 })]);
    expect(message).toContain(bad.id);
    await store.close();
  });

  it('fails init() clearly, without leaking credentials, when Elasticsearch is unreachable', async () => {
    const store = new ElasticsearchStore('http://causeway:s3cret-pass@127.0.0.1:1', { indexPrefix: prefix });
    const failure = (await store.init().catch((err: unknown) => err)) as Error;
    expect(failure.message).toMatch(/Elasticsearch at http:\/\/127\.0\.0\.1:1 is unreachable/);
    expect(failure.message).not.toContain('s3cret');
    await store.close();
  });

  it('rejects an index prefix Elasticsearch could not use', () => {
    expect(() => new ElasticsearchStore(services.elasticsearchUrl, { indexPrefix: 'Causeway*' })).toThrow(/index prefix/);
  });
});

describe('createStore (Elasticsearch)', () => {
  it('opens Elasticsearch from an http URL, credentials in the URL included', async () => {
    const url = new URL(services.elasticsearchUrl);
    url.username = 'elastic';
    url.password = 'p@ss word';
    const store = createStore({ url: url.toString(), elasticsearch: { indexPrefix: prefix } });
    expect(store.kind).toBe('elasticsearch');
    await store.init();
    await store.close();
  });
});
