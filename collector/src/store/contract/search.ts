/** Contract: searchEvents — filters, inclusive time bounds, newest first, limit. */
import { describe, expect, it } from 'vitest';
import { MAX_SEARCH_LIMIT } from '../limits.js';
import { BASE_DAY, DAY, HOUR, event, freshWindow, tag } from './records.js';
import type { ContractHarness } from './harness.js';

export function describeSearchContract(h: ContractHarness): void {
  describe('searchEvents', () => {
    it('returns newest first and honours the limit', async () => {
      const service = tag('newest');
      const start = freshWindow();
      const events = [3, 1, 4, 0.5, 2].map((offset) => event({ producerService: service, publishedAt: start + offset }));
      await h.store.putEvents(events);
      await h.settle();
      const all = await h.store.searchEvents({ service, limit: 100 });
      expect(all.map((e) => e.publishedAt - start)).toEqual([4, 3, 2, 1, 0.5]);
      expect(all[0]).toStrictEqual(events[2]);
      expect((await h.store.searchEvents({ service, limit: 2 })).map((e) => e.publishedAt - start)).toEqual([4, 3]);
      expect(await h.store.searchEvents({ service, limit: 0 })).toEqual([]);
    });

    it('filters by type, service and destination, alone and together', async () => {
      const [typeA, typeB, svcA, svcB, dstA, dstB] = ['TypeA', 'TypeB', 'svcA', 'svcB', 'dstA', 'dstB'].map(tag);
      const start = freshWindow();
      const e = (type: string, producerService: string, destination: string, offset: number) =>
        event({ type, producerService, destination, publishedAt: start + offset });
      const events = [
        e(typeA!, svcA!, dstA!, 1),
        e(typeA!, svcB!, dstA!, 2),
        e(typeB!, svcA!, dstB!, 3),
        e(typeB!, svcB!, dstB!, 4),
        e(typeA!, svcA!, dstB!, 5),
      ];
      await h.store.putEvents(events);
      await h.settle();
      const offsets = async (query: Parameters<typeof h.store.searchEvents>[0]) =>
        (await h.store.searchEvents(query)).map((found) => found.publishedAt - start);
      expect(await offsets({ type: typeA, limit: 10 })).toEqual([5, 2, 1]);
      expect(await offsets({ service: svcA, limit: 10 })).toEqual([5, 3, 1]);
      expect(await offsets({ destination: dstB, limit: 10 })).toEqual([5, 4, 3]);
      expect(await offsets({ type: typeA, service: svcA, limit: 10 })).toEqual([5, 1]);
      expect(await offsets({ type: typeA, service: svcA, destination: dstA, limit: 10 })).toEqual([1]);
      expect(await offsets({ type: typeB, destination: dstA, limit: 10 })).toEqual([]);
      // Filters match whole values, case included.
      expect(await offsets({ type: typeA!.toUpperCase(), limit: 10 })).toEqual([]);
      expect(await offsets({ type: typeA!.slice(0, -1), limit: 10 })).toEqual([]);
    });

    it('from and to are inclusive, to the sub-millisecond', async () => {
      const service = tag('bounds');
      const start = freshWindow();
      const offsets = [0, 0.25, 0.5, 1000, 1000.75, 1001];
      await h.store.putEvents(offsets.map((offset) => event({ producerService: service, publishedAt: start + offset })));
      await h.settle();
      const found = async (from?: number, to?: number) =>
        (await h.store.searchEvents({ service, from, to, limit: 100 })).map((e) => e.publishedAt - start);
      expect(await found(start + 0.25, start + 1000.75)).toEqual([1000.75, 1000, 0.5, 0.25]);
      expect(await found(start + 0.2, start + 0.3)).toEqual([0.25]);
      expect(await found(start + 0.5, start + 0.5)).toEqual([0.5]);
      expect(await found(start + 0.26, start + 0.49)).toEqual([]);
      expect(await found(start + 1000.75)).toEqual([1001, 1000.75]);
      expect(await found(undefined, start)).toEqual([0]);
      expect(await found(start + 2, start + 1)).toEqual([]);
      // Bounds far outside any stored time are fine.
      expect(await found(-1, Number.MAX_SAFE_INTEGER)).toHaveLength(6);
      expect(await found(undefined, -1)).toEqual([]);
      expect(await found(Number.MAX_SAFE_INTEGER)).toEqual([]);
    });

    it('a time-only search sees every service within the window', async () => {
      const start = freshWindow();
      const events = [event({ publishedAt: start + 10 }), event({ publishedAt: start + 20, producerService: 'other-服务' })];
      await h.store.putEvents(events);
      await h.settle();
      const found = await h.store.searchEvents({ from: start, to: start + HOUR - 1, limit: 100 });
      expect(found).toStrictEqual([events[1], events[0]]);
    });

    it('searches across days and caps the limit at MAX_SEARCH_LIMIT', async () => {
      const type = tag('many');
      const events = Array.from({ length: 2000 }, (_, i) =>
        event({ type, publishedAt: BASE_DAY + (i % 2) * DAY + i, producerService: `svc-${i % 3}` }),
      );
      await h.store.putEvents(events);
      await h.settle();
      const found = await h.store.searchEvents({ type, limit: MAX_SEARCH_LIMIT * 10 });
      expect(found).toHaveLength(2000);
      const times = found.map((e) => e.publishedAt);
      expect(times).toEqual([...times].sort((a, b) => b - a));
      expect(await h.store.searchEvents({ type, limit: 3 })).toStrictEqual(
        [...events].sort((a, b) => b.publishedAt - a.publishedAt).slice(0, 3),
      );
    });
  });
}
