/**
 * Contract: time in queue per consumer group and destination. Percentiles are exact for buckets
 * of equal values; over 1..100 ms Elasticsearch's t-digest interpolates, so 1 ms of tolerance is
 * allowed there (the neighbouring value at most). Tests isolate themselves by fresh time windows
 * and unique destinations.
 */
import { describe, expect, it } from 'vitest';
import type { QueueTimeSeries } from '../../lag/types.js';
import type { DeliveryRecord } from '../store.js';
import { MINUTE, bareDelivery, delivery, event, freshWindow, tag } from './records.js';
import type { ContractHarness } from './harness.js';

function mine(series: QueueTimeSeries[], destinations: string[]): QueueTimeSeries[] {
  return series.filter((entry) => destinations.includes(entry.destination));
}

function queued(overrides: Partial<DeliveryRecord> & { receivedAt: number; queueMs: number }): DeliveryRecord {
  return delivery({ eventId: event().id, ...overrides });
}

export function describeQueueTimeContract(h: ContractHarness): void {
  describe('queue time', () => {
    it('per bucket: count, p50, p95 and max of the queue times, bucket aligned to the epoch', async () => {
      const [group, destination] = [tag('grp'), tag('dst')];
      const start = freshWindow();
      // 1..100 ms in one minute, received out of order.
      const deliveries = Array.from({ length: 100 }, (_, i) => queued({ group, destination, receivedAt: start + 17_000 + ((i * 37) % 100) * 100, queueMs: i + 1 }));
      await h.store.putDeliveries(deliveries);
      await h.settle();
      const series = await h.store.queueTimeSeries({ from: start, to: start + 10 * MINUTE, bucketMs: MINUTE, destination });
      expect(series.map((s) => [s.group, s.destination, s.points.length])).toEqual([[group, destination, 1]]);
      const point = series[0]!.points[0]!;
      expect(point.at).toBe(start);
      expect(point.count).toBe(100);
      expect(point.maxMs).toBe(100);
      expect(Math.abs(point.p50Ms - 50)).toBeLessThanOrEqual(1);
      expect(Math.abs(point.p95Ms - 95)).toBeLessThanOrEqual(1);
    });

    it('points are sorted by time; equal values give exact percentiles; the range is inclusive', async () => {
      const [group, destination] = [tag('grp'), tag('dst')];
      const start = freshWindow();
      const deliveries = [
        ...[0, 1, 2].map((i) => queued({ group, destination, receivedAt: start + 2 * MINUTE + i, queueMs: 40 })),
        ...[0, 1].map((i) => queued({ group, destination, receivedAt: start + i * 1000, queueMs: 7.5 })),
        // Exactly at the upper bound of the query: included.
        queued({ group, destination, receivedAt: start + 5 * MINUTE, queueMs: 3 }),
        // Past it: left out.
        queued({ group, destination, receivedAt: start + 5 * MINUTE + 1, queueMs: 1000 }),
      ];
      await h.store.putDeliveries(deliveries);
      await h.settle();
      const series = await h.store.queueTimeSeries({ from: start, to: start + 5 * MINUTE, bucketMs: MINUTE, group });
      expect(series).toStrictEqual([
        {
          group,
          destination,
          points: [
            { at: start, count: 2, p50Ms: 7.5, p95Ms: 7.5, maxMs: 7.5 },
            { at: start + 2 * MINUTE, count: 3, p50Ms: 40, p95Ms: 40, maxMs: 40 },
            { at: start + 5 * MINUTE, count: 1, p50Ms: 3, p95Ms: 3, maxMs: 3 },
          ],
        },
      ]);
    });

    it("groups per group and destination; no group counts as ''; deliveries without a queue time are left out", async () => {
      const [group, busy, quiet, empty] = [tag('grp'), tag('busy'), tag('quiet'), tag('none')];
      const start = freshWindow();
      const at = start + MINUTE;
      const withoutGroup = (receivedAt: number): DeliveryRecord => {
        const { group: _group, ...rest } = queued({ destination: quiet, receivedAt, queueMs: 11 });
        return rest;
      };
      await h.store.putDeliveries([
        ...[1, 2, 3].map((ms) => queued({ group, destination: busy, receivedAt: at + ms, queueMs: 20 })),
        queued({ group, destination: quiet, receivedAt: at, queueMs: 5 }),
        withoutGroup(at),
        withoutGroup(at + 1),
        // No queue time: not counted anywhere, and no series of its own.
        bareDelivery({ eventId: event().id, group, destination: empty, receivedAt: at }),
        bareDelivery({ eventId: event().id, group, destination: busy, receivedAt: at }),
      ]);
      await h.settle();
      const series = mine(await h.store.queueTimeSeries({ from: start, to: start + 10 * MINUTE, bucketMs: 5 * MINUTE }), [busy, quiet, empty]);
      // Busiest first.
      expect(series).toStrictEqual([
        { group, destination: busy, points: [{ at: start, count: 3, p50Ms: 20, p95Ms: 20, maxMs: 20 }] },
        { group: '', destination: quiet, points: [{ at: start, count: 2, p50Ms: 11, p95Ms: 11, maxMs: 11 }] },
        { group, destination: quiet, points: [{ at: start, count: 1, p50Ms: 5, p95Ms: 5, maxMs: 5 }] },
      ]);
      const noGroupOnly = await h.store.queueTimeSeries({ from: start, to: start + 10 * MINUTE, bucketMs: 5 * MINUTE, group: '', destination: quiet });
      expect(noGroupOnly.map((s) => [s.group, s.destination, s.points[0]?.count])).toEqual([['', quiet, 2]]);
    });

    it('an empty or reversed range gives nothing; a bucket that is not a whole positive number of ms is refused', async () => {
      const start = freshWindow();
      const destination = tag('dst');
      await h.store.putDeliveries([queued({ destination, receivedAt: start, queueMs: 1 })]);
      await h.settle();
      expect(await h.store.queueTimeSeries({ from: start + 1, to: start, bucketMs: MINUTE, destination })).toEqual([]);
      expect(await h.store.queueTimeSeries({ from: start + 1, to: start + MINUTE, bucketMs: MINUTE, destination })).toEqual([]);
      await expect(h.store.queueTimeSeries({ from: start, to: start + MINUTE, bucketMs: 0 })).rejects.toThrow(RangeError);
      await expect(h.store.queueTimeSeries({ from: start, to: start + MINUTE, bucketMs: Number.NaN })).rejects.toThrow(RangeError);
      // A million buckets of 1 ms: refused rather than answered with an unbounded series.
      await expect(h.store.queueTimeSeries({ from: start, to: start + 1_000_000, bucketMs: 1 })).rejects.toThrow(/wider bucket/);
    });
  });
}
