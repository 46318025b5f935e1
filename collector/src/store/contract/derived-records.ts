/** Contract: events, deliveries and edges — writes, look-ups by id, idempotence. */
import { describe, expect, it } from 'vitest';
import type { DeliveryRecord, EventRecord } from '../store.js';
import { BASE_DAY, DAY, bareDelivery, bareEvent, byId, delivery, edge, event, tag } from './records.js';
import type { ContractHarness } from './harness.js';

export function describeDerivedRecordContract(h: ContractHarness): void {
  describe('events', () => {
    it('round-trip with optional fields present or absent', async () => {
      const full = event({ type: 'Заказ', destination: 'orders.🇫🇷', attributes: { note: '漢字', n: 3, list: [1, 'a'] } });
      const bare = bareEvent({ sendError: true });
      await h.store.putEvents([full, bare]);
      await h.settle();
      expect(byId(await h.store.getEvents([full.id, bare.id]))).toStrictEqual(byId([full, bare]));
      expect(await h.store.getEvents([bare.id])).toStrictEqual([bare]);
    });

    it('getEvents returns only the requested ids; empty and unknown give nothing', async () => {
      const [a, b] = [event(), event()];
      await h.store.putEvents([a, b]);
      await h.store.putEvents([]);
      await h.settle();
      expect(await h.store.getEvents([a.id, 'unknown-event'])).toStrictEqual([a]);
      expect(await h.store.getEvents([])).toEqual([]);
    });

    it('writing the same events twice stores them once; a rewrite replaces the whole record', async () => {
      const a = event();
      await h.store.putEvents([a, a]);
      await h.store.putEvents([a]);
      const changed: EventRecord = { ...bareEvent({ id: a.id, traceId: a.traceId, spanId: a.spanId }), sendDurationMs: 99 };
      await h.store.putEvents([changed]);
      await h.settle();
      expect(await h.store.getEvents([a.id])).toStrictEqual([changed]);
    });

    it('a rewrite that moves the event to another day leaves a single copy', async () => {
      const service = tag('moving');
      const first = event({ producerService: service, publishedAt: BASE_DAY + 30 });
      await h.store.putEvents([first]);
      await h.settle();
      const moved = { ...first, publishedAt: BASE_DAY + DAY + 30 };
      await h.store.putEvents([moved]);
      await h.settle();
      expect(await h.store.getEvents([first.id])).toStrictEqual([moved]);
      expect(await h.store.searchEvents({ service, limit: 10 })).toStrictEqual([moved]);
      const topology = await h.store.topology({ from: BASE_DAY, to: BASE_DAY + 2 * DAY });
      expect(topology.producers.filter((row) => row.service === service).map((row) => row.count)).toEqual([1]);
    });

    it('ids of any length and alphabet', async () => {
      const ids = [`ü-✉️-${tag('id')}`, `${tag('long')}-${'λ'.repeat(3000)}`, `${tag('sp')} with spaces/and/slashes?#`];
      const events = ids.map((id) => event({ id }));
      await h.store.putEvents(events);
      await h.store.putEvents(events);
      await h.settle();
      expect(byId(await h.store.getEvents(ids))).toStrictEqual(byId(events));
    });
  });

  describe('deliveries', () => {
    it('getDeliveries returns every delivery of the events, optional fields present or absent', async () => {
      const [e1, e2, other] = [event().id, `${tag('e2')}-${'z'.repeat(600)}`, event().id];
      const deliveries: DeliveryRecord[] = [
        delivery({ eventId: e1 }),
        delivery({ eventId: e1, service: 'shipping', group: 'shipping', outcome: 'dead-lettered' }),
        bareDelivery({ eventId: e2, outcome: 'pending' }),
      ];
      await h.store.putDeliveries([...deliveries, delivery({ eventId: other })]);
      await h.store.putDeliveries([]);
      await h.settle();
      expect(byId(await h.store.getDeliveries([e1, e2]))).toStrictEqual(byId(deliveries));
      expect(await h.store.getDeliveries([e2])).toStrictEqual([deliveries[2]]);
      expect(await h.store.getDeliveries([])).toEqual([]);
      expect(await h.store.getDeliveries(['unknown-event'])).toEqual([]);
    });

    it('writing the same deliveries twice stores them once; a rewrite replaces the whole record', async () => {
      const eventId = event().id;
      const first = delivery({ eventId, outcome: 'pending' });
      await h.store.putDeliveries([first, first]);
      await h.store.putDeliveries([first]);
      const { queueMs: _queue, ...withoutQueue } = first;
      const settled: DeliveryRecord = { ...withoutQueue, outcome: 'ok', processedAt: first.processedAt + 5 };
      await h.store.putDeliveries([settled]);
      await h.settle();
      expect(await h.store.getDeliveries([eventId])).toStrictEqual([settled]);
    });
  });

  describe('edges', () => {
    it('getEdges follows to (up) or from (down)', async () => {
      const [a, b, c, d] = [event().id, event().id, event().id, `${tag('d')}-${'q'.repeat(700)}`];
      const ab = edge(a, b, { via: 'attribute' });
      const bc = edge(b, c, { via: 'span-tree' });
      const bd = edge(b, d, { via: 'link' });
      await h.store.putEdges([ab, bc, bd]);
      await h.store.putEdges([]);
      await h.settle();
      expect(await h.store.getEdges([b], 'up')).toStrictEqual([ab]);
      expect(byId(await h.store.getEdges([b], 'down'))).toStrictEqual(byId([bc, bd]));
      expect(byId(await h.store.getEdges([c, d], 'up'))).toStrictEqual(byId([bc, bd]));
      expect(await h.store.getEdges([d], 'down')).toEqual([]);
      expect(await h.store.getEdges([a], 'up')).toEqual([]);
      expect(await h.store.getEdges([], 'up')).toEqual([]);
    });

    it('writing the same edges twice stores them once, even when their time moves', async () => {
      const [a, b] = [event().id, event().id];
      const ab = edge(a, b);
      await h.store.putEdges([ab, ab]);
      await h.settle();
      const later = { ...ab, at: ab.at + DAY, via: 'link' as const };
      await h.store.putEdges([later]);
      await h.settle();
      expect(await h.store.getEdges([a], 'down')).toStrictEqual([later]);
      expect(await h.store.getEdges([b], 'up')).toStrictEqual([later]);
    });
  });

  describe('putDerived', () => {
    it('writes events, deliveries and edges together, as the three separate writes would', async () => {
      const [a, b] = [event(), event()];
      const deliveries = [delivery({ eventId: a.id }), delivery({ eventId: b.id, outcome: 'error' })];
      const ab = edge(a.id, b.id);
      await h.store.putDerived({ events: [a, b], deliveries, edges: [ab] });
      await h.store.putDerived({ events: [], deliveries: [], edges: [] });
      await h.settle();
      expect(byId(await h.store.getEvents([a.id, b.id]))).toStrictEqual(byId([a, b]));
      expect(byId(await h.store.getDeliveries([a.id, b.id]))).toStrictEqual(byId(deliveries));
      expect(await h.store.getEdges([a.id], 'down')).toStrictEqual([ab]);
    });

    it('a rewrite moving an event and an edge to another day leaves single copies, the last of a batch winning', async () => {
      const service = tag('derived-moving');
      const first = event({ producerService: service, publishedAt: BASE_DAY + 40 });
      const other = event();
      const firstEdge = edge(other.id, first.id, { at: first.publishedAt });
      await h.store.putDerived({ events: [first], deliveries: [], edges: [firstEdge] });
      await h.settle();
      const moved = { ...first, publishedAt: BASE_DAY + DAY + 40 };
      const movedEdge = { ...firstEdge, at: moved.publishedAt };
      await h.store.putDerived({ events: [{ ...moved, sendDurationMs: 1 }, moved], deliveries: [], edges: [movedEdge] });
      await h.settle();
      expect(await h.store.getEvents([first.id])).toStrictEqual([moved]);
      expect(await h.store.getEdges([other.id], 'down')).toStrictEqual([movedEdge]);
      const topology = await h.store.topology({ from: BASE_DAY, to: BASE_DAY + 2 * DAY });
      expect(topology.producers.filter((row) => row.service === service).map((row) => row.count)).toEqual([1]);
    });
  });
}
