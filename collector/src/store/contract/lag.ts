/**
 * Contract: lag samples — overwrite by id, filters, ordering, limit, resolutions kept apart,
 * retention. Tests isolate themselves by unique clusters (every read filters on one), and the
 * retention test by a resolution no other test uses (Elasticsearch drops whole daily indices of a
 * resolution).
 */
import { describe, expect, it } from 'vitest';
import type { LagSample } from '../../lag/types.js';
import { BASE_DAY, DAY, MINUTE, tag } from './records.js';
import type { ContractHarness } from './harness.js';
import { bareLagSample, lagSample } from './lag-records.js';

/** Everything of one cluster and resolution, all time. */
function everything(h: ContractHarness, cluster: string, resolutionMs = 0): Promise<LagSample[]> {
  return h.store.getLagSamples({ resolutionMs, cluster, from: 0, to: BASE_DAY + 30 * DAY, limit: 100_000 });
}

/** The contract's order: time, then cluster, group, destination, partition. */
function sorted(samples: LagSample[]): LagSample[] {
  const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return [...samples].sort(
    (a, b) =>
      a.at - b.at ||
      compare(a.cluster, b.cluster) ||
      compare(a.group, b.group) ||
      compare(a.destination, b.destination) ||
      a.partition - b.partition,
  );
}

export function describeLagContract(h: ContractHarness): void {
  describe('lag samples', () => {
    it('round-trip with optional fields present or absent', async () => {
      const cluster = tag('cluster');
      const full = lagSample({ cluster, noCommit: true });
      const bare = bareLagSample({ cluster, at: full.at + 1 });
      const notCommitted = lagSample({ cluster, at: full.at + 2, noCommit: false });
      await h.store.putLagSamples([full, bare, notCommitted]);
      await h.settle();
      expect(await everything(h, cluster)).toStrictEqual([full, bare, notCommitted]);
    });

    it('writing the same sample twice stores it once; a rewrite replaces it whole', async () => {
      const cluster = tag('cluster');
      const sample = lagSample({ cluster });
      await h.store.putLagSamples([sample, sample]);
      await h.store.putLagSamples([sample]);
      await h.store.putLagSamples([]);
      const changed = bareLagSample({ cluster, at: sample.at, group: sample.group, destination: sample.destination, partition: sample.partition, lag: 7 });
      await h.store.putLagSamples([changed]);
      await h.settle();
      expect(await everything(h, cluster)).toStrictEqual([changed]);
    });

    it('filters by cluster, group and destination exactly, and by time inclusively', async () => {
      const cluster = tag('cluster');
      const other = tag('cluster');
      const t = BASE_DAY + 5 * MINUTE;
      const samples = [
        lagSample({ cluster, group: 'g1', destination: 'orders', at: t }),
        lagSample({ cluster, group: 'g1', destination: 'payments', at: t + 1000 }),
        lagSample({ cluster, group: 'g2', destination: 'orders', at: t + 2000 }),
        lagSample({ cluster, group: 'g10', destination: 'orders', at: t + 3000 }),
        lagSample({ cluster: other, group: 'g1', destination: 'orders', at: t }),
      ];
      await h.store.putLagSamples(samples);
      await h.settle();
      const read = (query: Partial<{ group: string; destination: string; from: number; to: number }>): Promise<LagSample[]> =>
        h.store.getLagSamples({ resolutionMs: 0, cluster, from: t, to: t + 3000, limit: 100, ...query });
      expect(await read({ group: 'g1' })).toStrictEqual([samples[0], samples[1]]);
      expect(await read({ destination: 'orders' })).toStrictEqual([samples[0], samples[2], samples[3]]);
      expect(await read({ group: 'g1', destination: 'payments' })).toStrictEqual([samples[1]]);
      expect(await read({ group: 'g' })).toEqual([]);
      // Both bounds inclusive.
      expect(await read({ from: t + 1000, to: t + 2000 })).toStrictEqual([samples[1], samples[2]]);
      expect(await read({ from: t + 2000, to: t + 1000 })).toEqual([]);
      expect(await h.store.getLagSamples({ resolutionMs: 0, cluster: other, from: t, to: t, limit: 10 })).toStrictEqual([samples[4]]);
    });

    it('orders oldest first, then by group, destination and partition; limit keeps the oldest', async () => {
      const cluster = tag('cluster');
      const t = BASE_DAY + 7 * MINUTE;
      const samples: LagSample[] = [];
      for (const at of [t + 20_000, t, t + 10_000]) {
        for (const group of ['b', 'a']) {
          for (const partition of [10, 2, 0]) samples.push(lagSample({ cluster, group, destination: 'orders', partition, at, lag: partition }));
        }
      }
      await h.store.putLagSamples(samples);
      await h.settle();
      const expected = sorted(samples);
      expect(expected.slice(0, 3).map((s) => [s.at, s.group, s.partition])).toEqual([[t, 'a', 0], [t, 'a', 2], [t, 'a', 10]]);
      expect(await everything(h, cluster)).toStrictEqual(expected);
      expect(await h.store.getLagSamples({ resolutionMs: 0, cluster, from: 0, to: t + DAY, limit: 7 })).toStrictEqual(expected.slice(0, 7));
      expect(await h.store.getLagSamples({ resolutionMs: 0, cluster, from: 0, to: t + DAY, limit: 0 })).toEqual([]);
    });

    it('keeps resolutions apart: same partition and time at two resolutions are two samples', async () => {
      const cluster = tag('cluster');
      const raw = lagSample({ cluster, at: BASE_DAY + 9 * MINUTE });
      const minute = lagSample({ cluster, at: raw.at, resolutionMs: MINUTE, lag: 5000, status: 'STOP' });
      await h.store.putLagSamples([raw, minute]);
      await h.settle();
      expect(await everything(h, cluster, 0)).toStrictEqual([raw]);
      expect(await everything(h, cluster, MINUTE)).toStrictEqual([minute]);
      expect(await everything(h, cluster, 5 * MINUTE)).toEqual([]);
    });

    it('returns many samples in order across pages (a large poll)', async () => {
      const cluster = tag('cluster');
      const t = BASE_DAY + 11 * MINUTE;
      // 6,000 samples: more than one page of an Elasticsearch read.
      const samples = Array.from({ length: 6000 }, (_, i) =>
        lagSample({ cluster, group: `group-${String(Math.floor(i / 20)).padStart(4, '0')}`, partition: i % 20, at: t + Math.floor(i / 3000) * 10_000 }),
      );
      await h.store.putLagSamples(samples);
      await h.settle();
      const all = await everything(h, cluster);
      expect(all.length).toBe(6000);
      expect(all).toStrictEqual(sorted(samples));
      const some = await h.store.getLagSamples({ resolutionMs: 0, cluster, from: 0, to: t + DAY, limit: 5500 });
      expect(some).toStrictEqual(all.slice(0, 5500));
    });

    it('retention removes samples of one resolution older than the cutoff and keeps newer ones and other resolutions', async () => {
      const cluster = tag('cluster');
      // A resolution only this test writes: the Elasticsearch store deletes whole indices of it.
      const resolutionMs = 1000 * (3600 + Math.floor(Math.random() * 100_000));
      const before = BASE_DAY - 2 * DAY;
      const old = [lagSample({ cluster, resolutionMs, at: BASE_DAY - 5 * DAY }), lagSample({ cluster, resolutionMs, at: BASE_DAY - 3 * DAY + 5 })];
      const kept = [lagSample({ cluster, resolutionMs, at: before }), lagSample({ cluster, resolutionMs, at: BASE_DAY })];
      const otherResolution = lagSample({ cluster, resolutionMs: resolutionMs + 1000, at: BASE_DAY - 5 * DAY });
      await h.store.putLagSamples([...old, ...kept, otherResolution]);
      await h.settle();
      expect(await everything(h, cluster, resolutionMs)).toStrictEqual([...old, ...kept]);
      await h.store.deleteLagSamples({ resolutionMs, before });
      await h.store.deleteLagSamples({ resolutionMs, before });
      await h.settle();
      expect(await everything(h, cluster, resolutionMs)).toStrictEqual(kept);
      expect(await everything(h, cluster, resolutionMs + 1000)).toStrictEqual([otherResolution]);
    });

    it('retention with nothing stored, or nothing old enough, changes nothing', async () => {
      const cluster = tag('cluster');
      const resolutionMs = 1000 * (200_000 + Math.floor(Math.random() * 100_000));
      await h.store.deleteLagSamples({ resolutionMs, before: BASE_DAY });
      const sample = lagSample({ cluster, resolutionMs, at: BASE_DAY + 1 });
      await h.store.putLagSamples([sample]);
      await h.settle();
      await h.store.deleteLagSamples({ resolutionMs, before: BASE_DAY });
      await h.settle();
      expect(await everything(h, cluster, resolutionMs)).toStrictEqual([sample]);
    });
  });
}
