import type { Store } from '../store/store.js';

/** The part of the collector's store the alert engine uses. */
export type AlertStore = Pick<Store, 'putAlertRule' | 'listAlertRules' | 'deleteAlertRule' | 'putAlertEvents' | 'listAlertEvents'>;
