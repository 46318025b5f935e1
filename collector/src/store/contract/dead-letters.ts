/** Contract: dead-letter records (overwrite by id, search, hotspots) and the redrive audit log. */
import { describe, expect, it } from 'vitest';
import type { DeadLetterRecord, HotspotRow, RedriveAuditEntry } from '../../deadletters/types.js';
import type { ContractHarness } from './harness.js';
import { BASE_DAY, DAY, HOUR, MINUTE, tag } from './records.js';

export function deadLetter(overrides: Partial<DeadLetterRecord> & { at: number; group?: string; fingerprint?: string }): DeadLetterRecord {
  const { at, group = 'payments', fingerprint = 'f00dfeedf00dfeed', ...rest } = overrides;
  const eventId = rest.eventId ?? tag('evt');
  return {
    id: `${eventId}|${group}`,
    eventId,
    eventType: 'OrderPlaced',
    system: 'kafka',
    origin: { destination: 'orders', partition: 2, offset: '9007199254740993', group, service: 'payments' },
    deadLetter: { destination: 'orders.DLT', reason: 'error', convention: 'spring-kafka', partition: 0, offset: '7' },
    error: { type: 'TimeoutError', message: 'charge timed out', stack: 'TimeoutError\n  at x', fingerprint },
    producer: { service: 'orders', version: '1.0.0' },
    attempts: 3,
    firstFailureAt: at - 1000,
    lastFailureAt: at,
    deadLetteredAt: at,
    traceId: 'a'.repeat(32),
    spanId: 'b'.repeat(16),
    payload: '{"id":1}',
    payloadTruncated: false,
    headers: { 'content-type': 'application/json' },
    ...rest,
  };
}

export function describeDeadLetterContract(h: ContractHarness): void {
  describe('dead letters', () => {
    it('round-trips a record whole and overwrites by id', async () => {
      const record = deadLetter({ at: freshWindow() });
      await h.store.putDeadLetters([record]);
      await h.settle();
      expect(await h.store.getDeadLetters([record.id, 'missing|x'])).toEqual([record]);
      const changed = { ...record, attempts: 5, deadLetteredAt: record.deadLetteredAt + 10 };
      await h.store.putDeadLetters([changed]);
      await h.settle();
      expect(await h.store.getDeadLetters([record.id])).toEqual([changed]);
    });

    it('is written by putDerived with the other records', async () => {
      const record = deadLetter({ at: freshWindow() });
      await h.store.putDerived({ events: [], deliveries: [], edges: [], deadLetters: [record] });
      await h.settle();
      expect(await h.store.getDeadLetters([record.id])).toEqual([record]);
    });

    it('searches newest first within the range, by each filter', async () => {
      const start = freshWindow();
      const group = tag('group');
      const aaaa = tag('fp');
      const version = tag('v');
      const a = deadLetter({ at: start + MINUTE, group, fingerprint: aaaa });
      const b = deadLetter({ at: start + 2 * MINUTE, group, fingerprint: tag('fp'), deadLetter: { reason: 'rejected', convention: 'rabbitmq' } });
      const c = deadLetter({ at: start + 3 * MINUTE, group: tag('other'), fingerprint: aaaa, producer: { service: 'orders', version } });
      const outside = deadLetter({ at: start + 90 * MINUTE, group });
      await h.store.putDeadLetters([a, b, c, outside]);
      await h.settle();
      const range = { from: start, to: start + 10 * MINUTE, limit: 100 };
      const ids = async (query: object) => (await h.store.searchDeadLetters({ ...range, ...query })).map((r) => r.id);
      const mine = new Set([a.id, b.id, c.id, outside.id]);
      expect((await ids({})).filter((id) => mine.has(id))).toEqual([c.id, b.id, a.id]);
      expect(await ids({ group })).toEqual([b.id, a.id]);
      expect(await ids({ fingerprint: aaaa })).toEqual([c.id, a.id]);
      expect(await ids({ group, reason: 'rejected' })).toEqual([b.id]);
      expect(await ids({ producerVersion: version })).toEqual([c.id]);
      expect(await ids({ fingerprint: aaaa, destination: 'orders', service: 'payments', eventType: 'OrderPlaced', limit: 1 })).toEqual([c.id]);
      expect(await ids({ from: start + 10 * MINUTE, to: start })).toEqual([]);
    });

    it('groups hotspots by the chosen dimensions, ranked by count, with a trend and the newest sample', async () => {
      const start = freshWindow();
      // Unique values: a store file may hold records of earlier runs in the same window.
      const [ffff, eeee, g1, g2] = [tag('fp'), tag('fp'), tag('g1'), tag('g2')];
      const records = [
        ...Array.from({ length: 5 }, (_, i) => deadLetter({ at: start + i * MINUTE, group: g1, fingerprint: ffff })),
        ...Array.from({ length: 3 }, (_, i) => deadLetter({ at: start + 30 * MINUTE + i, group: g2, error: { fingerprint: ffff, message: `newest ${i}` } })),
        deadLetter({ at: start + 5 * MINUTE, group: g1, fingerprint: eeee }),
      ];
      await h.store.putDeadLetters(records);
      await h.settle();
      const ours = (rows: HotspotRow[]) => rows.filter((row) => row.key.fingerprint === ffff || row.key.fingerprint === eeee);
      const query = { from: start, to: start + HOUR_MINUS, bucketMs: 10 * MINUTE };
      const byFingerprint = ours(await h.store.deadLetterHotspots({ ...query, groupBy: ['fingerprint'] }));
      expect(byFingerprint.map((row) => [row.key, row.count])).toEqual([
        [{ fingerprint: ffff }, 8],
        [{ fingerprint: eeee }, 1],
      ]);
      const top = byFingerprint[0];
      expect(top?.firstAt).toBe(start);
      expect(top?.lastAt).toBe(start + 30 * MINUTE + 2);
      expect(top?.sample).toEqual({ id: records[7]?.id, errorMessage: 'newest 2' });
      expect(top?.series).toEqual([0, 1, 2, 3, 4, 5].map((i) => ({ t: start + i * 10 * MINUTE, count: [5, 0, 0, 3, 0, 0][i] })));

      const byBoth = ours(await h.store.deadLetterHotspots({ ...query, groupBy: ['group', 'fingerprint'] }));
      expect(byBoth.map((row) => [row.key, row.count])).toEqual([
        [{ fingerprint: ffff, group: g1 }, 5],
        [{ fingerprint: ffff, group: g2 }, 3],
        [{ fingerprint: eeee, group: g1 }, 1],
      ]);
      expect(await h.store.deadLetterHotspots({ ...query, from: query.to, to: query.from, groupBy: ['fingerprint'] })).toEqual([]);
    });
  });

  describe('redrive audit', () => {
    it('lists entries newest first, by dead letter, event and time, reading its own writes', async () => {
      const start = freshWindow();
      const deadLetterId = `${tag('evt')}|g`;
      const entry = (n: number, result: RedriveAuditEntry['result']): RedriveAuditEntry => ({
        id: `${deadLetterId}|${start + n}|${n}`,
        deadLetterId,
        eventId: deadLetterId.split('|')[0] as string,
        at: start + n * MINUTE,
        actor: 'admin-token 127.0.0.1',
        dryRun: result === 'would-republish',
        result,
        ...(result === 'republished' ? { target: { system: 'kafka', destination: 'orders' }, newEventId: `new-${n}` } : { detail: 'dry run' }),
      });
      const entries = [entry(1, 'would-republish'), entry(2, 'republished')];
      await h.store.putRedriveAudit(entries);
      expect(await h.store.listRedriveAudit({ deadLetterId, limit: 10 })).toEqual([entries[1], entries[0]]);
      expect(await h.store.listRedriveAudit({ eventId: entries[0]?.eventId, limit: 1 })).toEqual([entries[1]]);
      expect(await h.store.listRedriveAudit({ deadLetterId, from: start + 90_000, to: start + 10 * MINUTE, limit: 10 })).toEqual([entries[1]]);
    });
  });
}

const HOUR_MINUS = 60 * MINUTE - 1;

let windows = 0;
/** An hour no other test of the suite writes to: dead-letter tests search and group by time alone. */
function freshWindow(): number {
  windows += 1;
  return BASE_DAY + 5 * DAY + windows * HOUR;
}
