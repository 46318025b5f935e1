/**
 * Store factory: picks the implementation from the store URL.
 */
import type { StoreConfig } from './config.js';
import { ElasticsearchStore } from './elasticsearch/elasticsearch-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';
import { storeKindOf } from './kind.js';

export type { StoreConfig, ElasticsearchStoreConfig } from './config.js';
export type * from './store.js';
export { SqliteStore } from './sqlite/sqlite-store.js';
export { storeKindOf } from './kind.js';
export { ElasticsearchStore, type ElasticsearchStoreOptions } from './elasticsearch/elasticsearch-store.js';
export { BulkWriteError, type BulkItemFailure } from './elasticsearch/bulk.js';
export { MAX_ALERT_EVENT_LIMIT, MAX_LAG_SAMPLE_LIMIT, MAX_SEARCH_LIMIT } from './limits.js';
export { invalidQueueTimeQuery, MAX_QUEUE_TIME_POINTS, MAX_QUEUE_TIME_SERIES } from './queue-time-math.js';

/**
 * `sqlite:<path>` (directory created on init), `sqlite::memory:`, or an `http(s)://` Elasticsearch
 * URL (optionally with `user:password@`). The store is not opened until `init()`.
 */
export function createStore(config: StoreConfig): Store {
  const { url } = config;
  const kind = storeKindOf(url);
  if (kind === 'sqlite') {
    const path = url.slice('sqlite:'.length);
    if (path === '') throw new Error('store URL "sqlite:" needs a path, e.g. sqlite:./data/causeway.db or sqlite::memory:');
    return new SqliteStore(path);
  }
  if (kind === 'elasticsearch') return new ElasticsearchStore(url, config.elasticsearch ?? {});
  throw new Error(`unsupported store URL "${url}": use sqlite:<path>, sqlite::memory: or an http(s):// Elasticsearch URL`);
}
