import { describe, expect, it } from 'vitest';
import { auditActor, MAX_ACTOR_LENGTH } from './actor.js';
import { eventIdsOf, keepsHeader } from './headers.js';
import { TokenBucket, type Clock } from './token-bucket.js';

/** A clock that only moves when someone sleeps on it. */
function manualClock(start = 1_000_000): Clock & { slept: number[] } {
  let now = start;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

describe('TokenBucket', () => {
  it('lets a second\'s worth through at once, then paces at the rate', async () => {
    const clock = manualClock();
    const bucket = new TokenBucket(5, clock);
    const deadline = clock.now() + 60_000;
    for (let i = 0; i < 5; i++) expect(await bucket.take(deadline)).toBe(true);
    expect(clock.slept).toEqual([]);
    expect(await bucket.take(deadline)).toBe(true);
    expect(clock.slept).toEqual([200]);
    expect(await bucket.take(deadline)).toBe(true);
    expect(clock.slept).toEqual([200, 200]);
  });

  it('refuses when the token would come after the deadline, without waiting', async () => {
    const clock = manualClock();
    const bucket = new TokenBucket(2, clock);
    const deadline = clock.now() + 100;
    expect(await bucket.take(deadline)).toBe(true);
    expect(await bucket.take(deadline)).toBe(true);
    expect(await bucket.take(deadline)).toBe(false);
    expect(clock.slept).toEqual([]);
  });

  it('serves concurrent takers one at a time, so the rate holds across requests', async () => {
    const clock = manualClock();
    const bucket = new TokenBucket(10, clock);
    const deadline = clock.now() + 60_000;
    const start = clock.now();
    const results = await Promise.all(Array.from({ length: 30 }, () => bucket.take(deadline)));
    expect(results.every(Boolean)).toBe(true);
    // 10 at once, the other 20 at 10/s.
    expect(clock.now() - start).toBeGreaterThanOrEqual(2000);
    expect(clock.now() - start).toBeLessThan(2100);
  });

  it('rejects a rate that is not positive', () => {
    expect(() => new TokenBucket(0)).toThrow(/positive/);
    expect(() => new TokenBucket(Number.NaN)).toThrow(/positive/);
  });
});

describe('auditActor', () => {
  it('names the header\'s actor and the client address', () => {
    expect(auditActor('alice@example.com', '10.0.0.7')).toBe('alice@example.com (10.0.0.7)');
  });

  it('falls back to admin-token without a usable header', () => {
    expect(auditActor(undefined, '127.0.0.1')).toBe('admin-token (127.0.0.1)');
    expect(auditActor('  \n\t ', '127.0.0.1')).toBe('admin-token (127.0.0.1)');
    expect(auditActor(['bob', 'eve'], undefined)).toBe('bob');
  });

  it('removes control and bidi characters and caps the length', () => {
    expect(auditActor('mallory\nINFO forged line\u202e', '::1')).toBe('mallory INFO forged line (::1)');
    const long = auditActor('x'.repeat(500), undefined);
    expect(long).toHaveLength(MAX_ACTOR_LENGTH);
  });
});

describe('headers of a redriven copy', () => {
  it('drops the trace context and the previous failure\'s provenance, keeps the rest', () => {
    for (const dropped of ['traceparent', 'TraceState', 'x-death', 'x-first-death-queue', 'x-delivery-count', 'kafka_dlt-exception-message', '__connect.errors.topic', 'causeway-dl-attempts', 'causeway-event-id', 'causeway-redrive-count']) {
      expect(keepsHeader(dropped), dropped).toBe(false);
    }
    for (const kept of ['causeway-event-type', 'content-type', 'tenant', 'baggage', 'x-custom']) expect(keepsHeader(kept), kept).toBe(true);
  });

  it('matches a dead-letter copy by its event id, the helper\'s original id, or the message id', () => {
    expect(eventIdsOf({ 'causeway-event-id': Buffer.from('e1') }, 'm1')).toEqual(['e1', 'm1']);
    expect(eventIdsOf({ 'Causeway-DL-Original-Event-Id': 'orig', 'causeway-event-id': 'copy' })).toEqual(['copy', 'orig']);
    expect(eventIdsOf(undefined, undefined)).toEqual([]);
  });
});
