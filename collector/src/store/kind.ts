import type { Store } from './store.js';

/** Which store a store URL opens (see `createStore`); undefined for a URL no store takes. */
export function storeKindOf(url: string): Store['kind'] | undefined {
  if (url.startsWith('sqlite:')) return 'sqlite';
  if (/^https?:\/\//i.test(url)) return 'elasticsearch';
  return undefined;
}
