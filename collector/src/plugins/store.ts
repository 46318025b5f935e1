/**
 * Opens the configured store (SQLite by default, or Elasticsearch), creates its schema, and closes
 * it when the app closes. Routes and the correlator reach it as `app.store`.
 */
import fp from 'fastify-plugin';
import { createStore } from '../store/index.js';
import type { Store } from '../store/store.js';
import type { CollectorConfig } from '../config.js';

declare module 'fastify' {
  interface FastifyInstance {
    store: Store;
  }
}

export default fp(
  async (app, opts: { config: CollectorConfig }) => {
    const { config } = opts;
    const store = createStore({ url: config.storeUrl, elasticsearch: config.elasticsearch });
    await store.init();
    app.decorate('store', store);
    app.addHook('onClose', async () => {
      await store.close();
    });
  },
  { name: 'causeway-store' },
);
