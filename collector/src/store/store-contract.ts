/**
 * The store contract as a vitest suite: the single source of truth for what a `Store` does. Each
 * store's test file runs it against a real backend:
 *
 *   describeStoreContract('sqlite', async () => { const s = new SqliteStore(':memory:'); await s.init(); return s; });
 *
 * Visibility rule the suite encodes: spans are readable as soon as `putSpans` returns (the
 * correlator reads them straight back); events, deliveries and edges may become readable later
 * (Elasticsearch is near-real-time). The suite therefore calls `settle` after writing those (and
 * lag samples and alert events), and never after `putSpans` or an alert rule write.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from './store.js';
import { span } from './contract/records.js';
import { describeDerivedRecordContract } from './contract/derived-records.js';
import { describeSearchContract } from './contract/search.js';
import { describeSpanContract } from './contract/spans.js';
import type { ContractHarness } from './contract/harness.js';
import { describeTopologyContract } from './contract/topology.js';
import { describeAlertContract } from './contract/alerts.js';
import { describeLagContract } from './contract/lag.js';
import { describeQueueTimeContract } from './contract/queue-time.js';
import { describeDeadLetterContract } from './contract/dead-letters.js';

export interface StoreContractOptions {
  /**
   * Makes every completed write visible to reads (Elasticsearch: refresh the store's indices).
   * Omit for stores that read their own writes at once.
   */
  settle?: (store: Store) => Promise<void>;
}

/**
 * @param makeStore returns an initialized store, used by every test of the suite and closed after
 *   it. Tests isolate themselves with unique ids, names and time windows, so the store may be
 *   shared with other suites.
 */
export function describeStoreContract(name: string, makeStore: () => Promise<Store>, options: StoreContractOptions = {}): void {
  describe(`${name} store contract`, () => {
    let current: Store | undefined;
    beforeAll(async () => {
      current = await makeStore();
    });
    afterAll(async () => {
      await current?.close();
    });

    const harness: ContractHarness = {
      get store(): Store {
        if (!current) throw new Error('store not created: makeStore failed');
        return current;
      },
      settle: async () => {
        if (current && options.settle) await options.settle(current);
      },
    };

    describe('lifecycle', () => {
      it('init() is idempotent and keeps what is stored', async () => {
        const stored = span();
        await harness.store.putSpans([stored]);
        await harness.store.init();
        await harness.store.init();
        expect(await harness.store.getSpans([stored])).toStrictEqual([stored]);
      });

      it('reports its kind', () => {
        expect(['sqlite', 'elasticsearch']).toContain(harness.store.kind);
      });
    });

    describeSpanContract(harness);
    describeDerivedRecordContract(harness);
    describeSearchContract(harness);
    describeTopologyContract(harness);
    describeQueueTimeContract(harness);
    describeLagContract(harness);
    describeAlertContract(harness);
    describeDeadLetterContract(harness);
  });
}
