/** Test helpers of the redrive tests: dead-letter records and a real SQLite store holding them. */
import { randomBytes } from 'node:crypto';
import type { DeadLetterRecord } from '../../deadletters/types.js';
import { createStore } from '../../store/index.js';
import type { Store } from '../../store/store.js';

export function deadLetterRecord(overrides: Partial<DeadLetterRecord> & Pick<DeadLetterRecord, 'eventId'>): DeadLetterRecord {
  const now = Date.now();
  const group = overrides.origin?.group ?? 'billing';
  return {
    id: `${overrides.eventId}|${group}`,
    system: 'rabbitmq',
    eventType: 'OrderPlaced',
    origin: { destination: 'orders', group },
    deadLetter: { destination: 'orders.dlq', reason: 'rejected', convention: 'rabbitmq' },
    error: { type: 'TypeError', message: 'boom', fingerprint: '0123456789abcdef' },
    producer: { service: 'shop', version: '1.0.0' },
    attempts: 1,
    firstFailureAt: now - 1000,
    lastFailureAt: now - 500,
    deadLetteredAt: now - 400,
    traceId: randomBytes(16).toString('hex'),
    spanId: randomBytes(8).toString('hex'),
    ...overrides,
  };
}

export async function sqliteStoreWith(records: DeadLetterRecord[]): Promise<Store> {
  const store = createStore({ url: 'sqlite::memory:' });
  await store.init();
  await store.putDeadLetters(records);
  return store;
}
