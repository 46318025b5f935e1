/**
 * Contract: topology rows. Latencies are chosen so that the expected percentiles are exact for
 * both stores (groups of equal latencies), except in one group of 100 distinct latencies where
 * Elasticsearch's t-digest interpolates: there a tolerance of 1 ms is allowed (the values are 1 ms
 * apart, so that is "the neighbouring value at most"). Stores may pre-aggregate per time bucket:
 * the rewrite and range-edge cases check that the figures still equal the records as stored.
 */
import { describe, expect, it } from 'vitest';
import type { ConsumerEdgeRow, DeliveryRecord, EventRecord, ProducerEdgeRow } from '../store.js';
import { HOUR, MINUTE, delivery, bareDelivery, bareEvent, event, freshWindow, tag } from './records.js';
import type { ContractHarness } from './harness.js';

function producerRows(rows: ProducerEdgeRow[], services: string[]): ProducerEdgeRow[] {
  return rows
    .filter((row) => services.includes(row.service))
    .sort((a, b) => `${a.service}|${a.destination}`.localeCompare(`${b.service}|${b.destination}`));
}

function consumerRows(rows: ConsumerEdgeRow[], services: string[]): ConsumerEdgeRow[] {
  return rows
    .filter((row) => services.includes(row.service))
    .sort((a, b) => `${a.service}|${a.destination}|${a.group ?? ''}`.localeCompare(`${b.service}|${b.destination}|${b.group ?? ''}`));
}

export function describeTopologyContract(h: ContractHarness): void {
  describe('topology', () => {
    it('producer rows: count, send errors and send-duration percentiles per service and destination', async () => {
      const [svcA, svcB, dst] = [tag('prodA'), tag('prodB'), tag('dst')];
      const start = freshWindow();
      const events: EventRecord[] = [
        ...Array.from({ length: 4 }, (_, i) => event({ producerService: svcA, destination: dst, publishedAt: start + i, sendDurationMs: 7, sendError: i === 0 })),
        // No destination: grouped under ''.
        bareEvent({ producerService: svcA, publishedAt: start + 10, sendDurationMs: 3 }),
        ...Array.from({ length: 100 }, (_, i) => event({ producerService: svcB, destination: dst, publishedAt: start + 20 + i, sendDurationMs: i + 1, sendError: i % 10 === 0 })),
      ];
      await h.store.putEvents(events);
      await h.settle();
      const { producers } = await h.store.topology({ from: start, to: start + HOUR });
      const rows = producerRows(producers, [svcA, svcB]);
      expect(rows.map(({ p50Ms: _p50, p99Ms: _p99, ...counts }) => counts)).toEqual(
        [
          { service: svcA, destination: '', count: 1, errors: 0 },
          { service: svcA, destination: dst, count: 4, errors: 1 },
          { service: svcB, destination: dst, count: 100, errors: 10 },
        ].sort((a, b) => `${a.service}|${a.destination}`.localeCompare(`${b.service}|${b.destination}`)),
      );
      const bDst = rows.find((row) => row.service === svcB)!;
      const aDst = rows.find((row) => row.service === svcA && row.destination === dst)!;
      const aNone = rows.find((row) => row.service === svcA && row.destination === '')!;
      expect([aDst.p50Ms, aDst.p99Ms, aNone.p50Ms, aNone.p99Ms]).toEqual([7, 7, 3, 3]);
      // Nearest rank over 1..100: p50 = 50, p99 = 99.
      expect(Math.abs(bDst.p50Ms - 50)).toBeLessThanOrEqual(1);
      expect(Math.abs(bDst.p99Ms - 99)).toBeLessThanOrEqual(1);
    });

    it('consumer rows: per destination, service and group; errors are error and dead-lettered', async () => {
      const [svc, dst, grp] = [tag('cons'), tag('dst'), tag('grp')];
      const start = freshWindow();
      const outcomes: DeliveryRecord['outcome'][] = ['ok', 'error', 'dead-lettered', 'retried', 'pending', 'ok'];
      const deliveries: DeliveryRecord[] = [
        // Queue time known: latency is queue + processing = 30 + 10.
        ...outcomes.map((outcome, i) =>
          delivery({ eventId: event().id, service: svc, destination: dst, group: grp, outcome, receivedAt: start + i, durationMs: 10, queueMs: 30 }),
        ),
        // No queue time, no group: latency is processing alone.
        ...[0, 1].map((i) => bareDelivery({ eventId: event().id, service: svc, destination: dst, receivedAt: start + 50 + i, durationMs: 12 })),
      ];
      await h.store.putDeliveries(deliveries);
      await h.settle();
      const { consumers } = await h.store.topology({ from: start, to: start + HOUR });
      expect(consumerRows(consumers, [svc])).toStrictEqual(
        consumerRows(
          [
            { destination: dst, service: svc, group: grp, count: 6, errors: 2, p50Ms: 40, p99Ms: 40 },
            { destination: dst, service: svc, count: 2, errors: 0, p50Ms: 12, p99Ms: 12 },
          ],
          [svc],
        ),
      );
    });

    it('consumer percentiles use publish → end of processing', async () => {
      const [svc, dst] = [tag('lat'), tag('dst')];
      const start = freshWindow();
      const deliveries = Array.from({ length: 100 }, (_, i) =>
        delivery({ eventId: event().id, service: svc, destination: dst, group: 'g', receivedAt: start + i, durationMs: 1, queueMs: i }),
      );
      await h.store.putDeliveries(deliveries);
      await h.settle();
      const [row] = consumerRows((await h.store.topology({ from: start, to: start + HOUR })).consumers, [svc]);
      expect(row?.count).toBe(100);
      // Latencies 1..100: nearest rank p50 = 50, p99 = 99.
      expect(Math.abs((row?.p50Ms ?? 0) - 50)).toBeLessThanOrEqual(1);
      expect(Math.abs((row?.p99Ms ?? 0) - 99)).toBeLessThanOrEqual(1);
    });

    it('counts only records inside the inclusive range, by publish and receive time', async () => {
      const [svc, dst] = [tag('range'), tag('dst')];
      const start = freshWindow();
      const at = [start - 0.5, start, start + 100, start + 200, start + 200.5];
      await h.store.putEvents(at.map((publishedAt) => event({ producerService: svc, destination: dst, publishedAt })));
      await h.store.putDeliveries(at.map((receivedAt) => delivery({ eventId: event().id, service: svc, destination: dst, receivedAt })));
      await h.settle();
      const counts = async (from: number, to: number) => {
        const rows = await h.store.topology({ from, to });
        return [producerRows(rows.producers, [svc])[0]?.count ?? 0, consumerRows(rows.consumers, [svc])[0]?.count ?? 0];
      };
      expect(await counts(start, start + 200)).toEqual([3, 3]);
      expect(await counts(start + 0.25, start + 199.75)).toEqual([1, 1]);
      expect(await counts(start - 1, start + 201)).toEqual([5, 5]);
      expect(await counts(start + 300, start + 400)).toEqual([0, 0]);
      expect(await counts(start + 200, start + 100)).toEqual([0, 0]);
    });

    it('writing the same records twice does not change any count', async () => {
      const [svc, consumer, dst] = [tag('dup'), tag('dupc'), tag('dst')];
      const start = freshWindow();
      const events = Array.from({ length: 5 }, (_, i) => event({ producerService: svc, destination: dst, publishedAt: start + i, sendError: i === 0 }));
      const deliveries = events.map((e, i) =>
        delivery({ eventId: e.id, service: consumer, destination: dst, receivedAt: start + 10 + i, outcome: i === 0 ? 'error' : 'ok' }),
      );
      for (let round = 0; round < 3; round += 1) {
        await h.store.putEvents(events);
        await h.store.putDeliveries(deliveries);
      }
      await h.store.putEvents([...events, ...events]);
      await h.settle();
      const topology = await h.store.topology({ from: start, to: start + HOUR });
      expect(producerRows(topology.producers, [svc]).map((row) => [row.count, row.errors])).toEqual([[5, 1]]);
      expect(consumerRows(topology.consumers, [consumer]).map((row) => [row.count, row.errors])).toEqual([[5, 1]]);
    });
    it('a rewritten record is counted once, with its new latency and outcome', async () => {
      const [producer, consumer, dst] = [tag('rw'), tag('rwc'), tag('dst')];
      const start = freshWindow();
      const published = event({ producerService: producer, destination: dst, publishedAt: start + 5, sendDurationMs: 3 });
      const received = delivery({ eventId: published.id, service: consumer, destination: dst, group: 'g', receivedAt: start + 7, durationMs: 10, queueMs: 30, outcome: 'ok' });
      const figures = async () => {
        const topology = await h.store.topology({ from: start, to: start + HOUR });
        const [p] = producerRows(topology.producers, [producer]);
        const [c] = consumerRows(topology.consumers, [consumer]);
        return { producer: [p?.count, p?.errors, p?.p50Ms], consumer: [c?.count, c?.errors, c?.p50Ms] };
      };
      await h.store.putEvents([published]);
      await h.store.putDeliveries([received]);
      await h.settle();
      expect(await figures()).toEqual({ producer: [1, 0, 3], consumer: [1, 0, 40] });

      // Re-derived with a failure and other timings: the counts move, nothing is added.
      await h.store.putEvents([{ ...published, sendError: true, sendDurationMs: 8 }]);
      await h.store.putDeliveries([{ ...received, outcome: 'dead-lettered', durationMs: 50, processedAt: received.receivedAt + 50 }]);
      await h.settle();
      expect(await figures()).toEqual({ producer: [1, 1, 8], consumer: [1, 1, 80] });

      // And back: the error is gone again.
      await h.store.putEvents([published]);
      await h.store.putDeliveries([received, received]);
      await h.settle();
      expect(await figures()).toEqual({ producer: [1, 0, 3], consumer: [1, 0, 40] });
    });

    it('a rewrite that changes the consumer group moves the delivery to the other row', async () => {
      const [consumer, dst] = [tag('moved'), tag('dst')];
      const start = freshWindow();
      const received = Array.from({ length: 3 }, (_, i) =>
        delivery({ eventId: event().id, service: consumer, destination: dst, group: 'before', receivedAt: start + 60 * MINUTE - 100 + i }),
      );
      await h.store.putDeliveries(received);
      await h.store.putDeliveries([{ ...(received[0] as DeliveryRecord), group: 'after' }]);
      await h.settle();
      const rows = consumerRows((await h.store.topology({ from: start, to: start + HOUR })).consumers, [consumer]);
      expect(rows.map((row) => [row.group, row.count])).toEqual([
        ['after', 1],
        ['before', 2],
      ]);
    });

    it('ranges that cut through minutes and hours count exactly the records inside them', async () => {
      const [producer, consumer, dst] = [tag('edges'), tag('edgesc'), tag('dst')];
      const start = freshWindow();
      // Times on and around minute, 10-minute and hour boundaries, and in between, over 2 h.
      const offsets = [0, 0.5, MINUTE - 0.5, MINUTE, MINUTE + 1, 10 * MINUTE - 1, 10 * MINUTE, 37 * MINUTE + 123.25, HOUR - 0.25, HOUR, HOUR + 0.25,
        HOUR + 10 * MINUTE, HOUR + 59 * MINUTE + 59_999, 2 * HOUR - 1];
      const times = offsets.map((offset) => start + offset);
      await h.store.putEvents(times.map((publishedAt, i) => event({ producerService: producer, destination: dst, publishedAt, sendDurationMs: 5, sendError: i % 3 === 0 })));
      await h.store.putDeliveries(times.map((receivedAt, i) =>
        delivery({ eventId: event().id, service: consumer, destination: dst, group: 'g', receivedAt, durationMs: 5, queueMs: 5, outcome: i % 4 === 0 ? 'error' : 'ok' })));
      await h.settle();
      const ranges: Array<[number, number]> = [
        [start, start + 2 * HOUR], [start + 0.5, start + HOUR], [start + 0.75, start + HOUR - 0.5], [start + MINUTE, start + MINUTE],
        [start + MINUTE - 0.5, start + 10 * MINUTE - 1], [start + 30 * MINUTE, start + HOUR + 30 * MINUTE], [start + HOUR + 0.25, start + 2 * HOUR - 1],
        [start - HOUR, start + 0.25], [start + 10 * MINUTE + 1, start + HOUR + 10 * MINUTE - 1],
      ];
      for (const [from, to] of ranges) {
        const inside = offsets.map((_, i) => i).filter((i) => (times[i] as number) >= from && (times[i] as number) <= to);
        const topology = await h.store.topology({ from, to });
        const [p] = producerRows(topology.producers, [producer]);
        const [c] = consumerRows(topology.consumers, [consumer]);
        const expected = inside.length === 0
          ? [undefined, undefined, undefined, undefined]
          : [inside.length, inside.filter((i) => i % 3 === 0).length, inside.length, inside.filter((i) => i % 4 === 0).length];
        expect([p?.count, p?.errors, c?.count, c?.errors], `range ${from - start}..${to - start}`).toEqual(expected);
        // Fractional publish times once went into the send duration's doc values on Elasticsearch
        // (see `toDocTime`), putting a publish time among the producer percentiles.
        if (c) expect([p?.p50Ms, p?.p99Ms, c.p50Ms, c.p99Ms], `range ${from - start}..${to - start}`).toEqual([5, 5, 10, 10]);
      }
    });
  });
}
