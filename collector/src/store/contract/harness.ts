/** What each part of the contract suite gets: the store under test and the visibility hook. */
import type { Store } from '../store.js';

export interface ContractHarness {
  readonly store: Store;
  /** Call after writing events, deliveries or edges, before reading them. */
  settle(): Promise<void>;
}
