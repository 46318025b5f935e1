/**
 * Which events dead-lettered, for the status of events and lineage nodes: a delivery that ended in
 * `dead-lettered` says so itself, but on Kafka the consumer only fails (`error`) and the dead-letter
 * record (from the DLT copy) is what tells. Looks up only the records failed deliveries could have.
 */
import { deadLetterId } from '../deadletters/derive.js';
import type { DeliveryRecord, Store } from '../store/store.js';

/** Event id → the id of one of its dead-letter records. */
export async function deadLetterMarks(store: Pick<Store, 'getDeadLetters'>, deliveries: readonly DeliveryRecord[]): Promise<Map<string, string>> {
  const candidates = new Set<string>();
  for (const delivery of deliveries) {
    if (delivery.outcome === 'error' || delivery.outcome === 'dead-lettered') candidates.add(deadLetterId(delivery.eventId, delivery.group ?? ''));
  }
  const marks = new Map<string, string>();
  if (candidates.size === 0) return marks;
  for (const record of await store.getDeadLetters([...candidates])) {
    if (!marks.has(record.eventId)) marks.set(record.eventId, record.id);
  }
  return marks;
}
