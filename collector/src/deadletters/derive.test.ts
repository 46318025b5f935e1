import { errorFingerprint } from '@causeway/instrumentation';
import { describe, expect, it } from 'vitest';
import { Correlator } from '../correlation/correlator.js';
import { deriveRecords } from '../correlation/derive.js';
import type { SpanRecord } from '../model/span.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { mergeDeadLetters } from './derive.js';
import { rabbitReject, springDlt, T0 } from './testing/fixtures.js';

const derive = (spans: SpanRecord[]) => deriveRecords({ owned: spans, context: [] }).deadLetters ?? [];

describe('dead-letter derivation', () => {
  it('merges a RabbitMQ reject with the DLQ copy read from x-death', () => {
    const { spans, eventId } = rabbitReject(1);
    const [record, ...rest] = derive(spans);
    expect(rest).toEqual([]);
    expect(record).toMatchObject({
      id: `${eventId}|payments-q`,
      eventId,
      eventType: 'OrderPlaced',
      system: 'rabbitmq',
      origin: { destination: 'payments-q', group: 'payments-q', service: 'payments' },
      deadLetter: { destination: 'payments-dlq', reason: 'rejected', convention: 'rabbitmq' },
      error: { type: 'CustomerMissingError', message: 'order 1 has no customer 4711-1', fingerprint: errorFingerprint('CustomerMissingError', 'order 1 has no customer 4711-1') },
      producer: { service: 'orders', version: '1.2.3' },
      attempts: 1,
      deadLetteredAt: T0 + 31,
    });
    expect(record?.error.stack).toContain('at handle');
    // The failing consumer's span leads: it is where the error happened.
    expect(record?.spanId).toBe(spans[1]?.spanId);
  });

  it('records a settlement alone (no DLQ consumer) as rejected by the consumer', () => {
    const { spans, eventId } = rabbitReject(2);
    const [record] = derive(spans.slice(0, 3));
    expect(record).toMatchObject({ id: `${eventId}|payments-q`, deadLetter: { reason: 'rejected', convention: 'settlement' }, origin: { service: 'payments' } });
  });

  it('reads a Spring-style DLT copy: origin and copy positions, attempts, failure times', () => {
    const { spans, eventId } = springDlt(3);
    const [record, ...rest] = derive(spans);
    expect(rest).toEqual([]);
    expect(record).toMatchObject({
      id: `${eventId}|payments`,
      origin: { destination: 'orders', partition: 2, offset: '41', group: 'payments' },
      deadLetter: { destination: 'orders.DLT', reason: 'error', convention: 'spring-kafka', partition: 0, offset: '3' },
      error: { type: 'TimeoutError', fingerprint: errorFingerprint('TimeoutError', 'charge 3 timed out after 30s') },
      producer: { service: 'orders', version: '2.0.0' },
      attempts: 3,
      firstFailureAt: T0 + 30,
      lastFailureAt: T0 + 60,
      deadLetteredAt: T0 + 60,
    });
    // Kafka consumers do not settle: the copy is the only source.
    expect(record?.origin.service).toBeUndefined();
  });

  it('names the convention of Kafka Connect and Causeway copies, and ignores retry copies', () => {
    expect(derive(springDlt(4, T0, 'kafka-connect').spans)[0]?.deadLetter.convention).toBe('kafka-connect');
    expect(derive(springDlt(5, T0, 'causeway').spans)[0]?.deadLetter.convention).toBe('causeway');
    expect(derive(springDlt(6, T0, 'causeway', { 'causeway.dead_letter.kind': 'retry' }).spans)).toEqual([]);
  });

  it('prefers the fingerprint the SDK stamped, and gives the same fingerprint to failures differing in ids', () => {
    const stamped = springDlt(7, T0, 'causeway', { 'causeway.dead_letter.error.fingerprint': 'abcdef0123456789' });
    expect(derive(stamped.spans)[0]?.error.fingerprint).toBe('abcdef0123456789');
    const a = derive(rabbitReject(8).spans)[0];
    const b = derive(rabbitReject(9).spans)[0];
    expect(a?.error.message).not.toBe(b?.error.message);
    expect(a?.error.fingerprint).toBe(b?.error.fingerprint);
  });

  it('merges in either order to the same record', () => {
    const { spans } = rabbitReject(10);
    const settlement = derive(spans.slice(0, 3))[0];
    const copy = derive([spans[0] as SpanRecord, spans[3] as SpanRecord])[0];
    if (!settlement || !copy) throw new Error('missing candidates');
    expect(mergeDeadLetters(settlement, copy)).toEqual(mergeDeadLetters(copy, settlement));
    expect(mergeDeadLetters(settlement, copy)).toEqual(derive(spans)[0]);
  });

  it('ends in the same stored records whatever the arrival order, batching or duplication (correlator + store)', async () => {
    const scenarios = [rabbitReject(11), springDlt(12)];
    const all = scenarios.flatMap((s) => s.spans);
    const ids = scenarios.map((s) => `${s.eventId}|${s.group}`);
    const orders: SpanRecord[][][] = [
      [all],
      all.map((span) => [span]),
      [...all].reverse().map((span) => [span]),
      [[...all].reverse(), all],
    ];
    const results = [];
    for (const batches of orders) {
      const store = new SqliteStore(':memory:');
      await store.init();
      const correlator = new Correlator(store);
      for (const batch of batches) await correlator.ingest(batch);
      results.push((await store.getDeadLetters(ids)).sort((x, y) => x.id.localeCompare(y.id)));
      await store.close();
    }
    expect(results[0]).toHaveLength(2);
    for (const result of results.slice(1)) expect(result).toEqual(results[0]);
  });
});
