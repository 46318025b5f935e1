import { afterAll, describe, expect, it, vi } from 'vitest';
import { deleteIndexPrefix } from '../../../../test/support/elasticsearch.js';
import { services, uniqueName } from '../../../../test/support/services.js';
import { createStore } from '../index.js';
import { describeStoreContract } from '../store-contract.js';
import { lagSampleId } from '../../lag/types.js';
import { alertEvent, alertRule, lagSample } from '../contract/lag-records.js';
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
      [
        [`${prefix}-alert-events`, [`${prefix}-alert-events`], 500],
        [`${prefix}-alert-rules`, [`${prefix}-alert-rules`], 500],
        [`${prefix}-dead-letters`, [`${prefix}-dead-letters`], 500],
        ...['deliveries', 'edges', 'events', 'lag'].map((kind) => [`${prefix}-${kind}`, [`${prefix}-${kind}-*`], 500]),
        [`${prefix}-redrive-audit`, [`${prefix}-redrive-audit`], 500],
        [`${prefix}-spans`, [`${prefix}-spans-*`], 500],
      ],
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

  it('writes lag samples to daily indices per resolution, keyed by the sample id, and alerts to their own indices', async () => {
    const store = new ElasticsearchStore(services.elasticsearchUrl, { indexPrefix: prefix });
    await store.init();
    const raw = lagSample({ cluster: 'naming', at: BASE_DAY + 86_399_999 });
    const minute = lagSample({ cluster: 'naming', at: BASE_DAY + 86_400_000, resolutionMs: 60_000 });
    await store.putLagSamples([raw, minute]);
    expect((await admin.client.get({ index: `${prefix}-lag-raw-2024.03.10`, id: lagSampleId(raw) })).found).toBe(true);
    expect((await admin.client.get({ index: `${prefix}-lag-60000ms-2024.03.11`, id: lagSampleId(minute) })).found).toBe(true);
    const mapping = (await admin.client.indices.getMapping({ index: `${prefix}-lag-raw-2024.03.10` }))[`${prefix}-lag-raw-2024.03.10`]?.mappings.properties ?? {};
    expect(mapping.at).toMatchObject({ type: 'date_nanos' });
    expect(mapping.group).toMatchObject({ type: 'keyword' });

    const rule = alertRule();
    await store.putAlertRule(rule);
    expect((await admin.client.get({ index: `${prefix}-alert-rules`, id: rule.id })).found).toBe(true);
    await store.putAlertEvents([alertEvent({ ruleId: rule.id })]);
    expect((await admin.client.count({ index: `${prefix}-alert-events`, query: { term: { ruleId: rule.id } } })).count).toBe(1);
    await expect(store.putLagSamples([lagSample({ resolutionMs: -1 })])).rejects.toThrow(/resolution/);
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
