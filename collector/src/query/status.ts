/** An event's status from its deliveries (see `EventStatus` in the schemas). */
import type { DeliveryOutcome, DeliveryRecord } from '../store/store.js';
import type { EventStatus } from '../schemas/common.js';

/** Higher wins: what went wrong matters more than what went right. */
const SEVERITY: Record<DeliveryOutcome, number> = { pending: 0, ok: 1, retried: 2, error: 3, 'dead-lettered': 4 };

export function eventStatus(deliveries: readonly Pick<DeliveryRecord, 'outcome'>[], sendError: boolean): EventStatus {
  let status: EventStatus = 'pending';
  for (const { outcome } of deliveries) {
    if (SEVERITY[outcome] > SEVERITY[status]) status = outcome;
  }
  // A send that failed and that nobody consumed is an error, not "waiting for a consumer".
  if (sendError && status === 'pending') return 'error';
  return status;
}
