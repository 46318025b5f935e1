/** Contract: span writes and the three span reads. */
import { describe, expect, it } from 'vitest';
import type { SpanRecord } from '../../model/span.js';
import { BASE_DAY, bareSpan, bySpanKey, span, spanId, traceId } from './records.js';
import type { SpanKey } from '../store.js';
import type { ContractHarness } from './harness.js';

export function describeSpanContract(h: ContractHarness): void {
  describe('spans', () => {
    it('round-trips every field, optional ones present or absent', async () => {
      const full = span({
        name: '注文 publish ✉️',
        service: 'orders-服务',
        attributes: {
          'messaging.message.id': 'msg-ü-💥',
          'app.emoji': '🚀 déjà vu',
          'app.big': 1.5e300,
          'app.list': ['a', 'β', 3, false, null],
        },
      });
      const bare = bareSpan();
      await h.store.putSpans([full, bare]);
      expect(await h.store.getSpans([full])).toStrictEqual([full]);
      expect(await h.store.getSpans([bare])).toStrictEqual([bare]);
      expect(Object.keys((await h.store.getSpans([bare]))[0] ?? {})).not.toContain('parentSpanId');
    });

    it('getTraceSpans returns every span of the traces, ordered by start time, and nothing else', async () => {
      const [a, b, other] = [traceId(), traceId(), traceId()];
      const start = BASE_DAY + 5000;
      // Sub-millisecond differences must order correctly too.
      const spans = [
        span({ traceId: a, startTime: start + 2 }),
        span({ traceId: b, startTime: start + 0.5 }),
        span({ traceId: a, startTime: start + 0.25 }),
        span({ traceId: b, startTime: start + 1 }),
        span({ traceId: a, startTime: start + 0.75 }),
      ];
      await h.store.putSpans([...spans, span({ traceId: other })]);
      const got = await h.store.getTraceSpans([a, b]);
      expect(got.map((s) => s.startTime)).toEqual([0.25, 0.5, 0.75, 1, 2].map((d) => start + d));
      expect(bySpanKey(got)).toStrictEqual(bySpanKey(spans));
      expect(await h.store.getTraceSpans([a, a])).toHaveLength(3);
    });

    it('makes spans written with deferred visibility readable once makeSpansVisible resolves', async () => {
      const [a, b] = [traceId(), traceId()];
      const deferred = [span({ traceId: a, attributes: { 'messaging.message.id': `deferred-${a}` } }), span({ traceId: b })];
      await h.store.putSpans(deferred, { deferVisibility: true });
      await h.store.makeSpansVisible();
      expect(bySpanKey(await h.store.getTraceSpans([a, b]))).toStrictEqual(bySpanKey(deferred));
      expect(await h.store.findRelatedSpanKeys({ linkedSpanIds: [], messageIds: [`deferred-${a}`] })).toEqual([
        { traceId: a, spanId: deferred[0]?.spanId },
      ]);
      // Nothing pending: a second call is a no-op.
      await h.store.makeSpansVisible();
    });

    it('answers empty inputs and unknown ids with nothing', async () => {
      await h.store.putSpans([]);
      expect(await h.store.getTraceSpans([])).toEqual([]);
      expect(await h.store.getSpans([])).toEqual([]);
      expect(await h.store.findRelatedSpans({ linkedSpanIds: [], messageIds: [] })).toEqual([]);
      expect(await h.store.getTraceSpans([traceId()])).toEqual([]);
      expect(await h.store.getSpans([{ traceId: traceId(), spanId: spanId() }])).toEqual([]);
      expect(await h.store.findRelatedSpans({ linkedSpanIds: [spanId()], messageIds: ['no-such-message'] })).toEqual([]);
    });

    it('getSpans matches trace id and span id together', async () => {
      const stored = span();
      await h.store.putSpans([stored, span()]);
      expect(await h.store.getSpans([{ traceId: stored.traceId, spanId: stored.spanId }])).toStrictEqual([stored]);
      expect(await h.store.getSpans([{ traceId: traceId(), spanId: stored.spanId }])).toEqual([]);
      expect(await h.store.getSpans([{ traceId: stored.traceId, spanId: spanId() }])).toEqual([]);
    });

    it('writing the same spans twice, or twice in one batch, stores them once', async () => {
      const trace = traceId();
      const spans = [span({ traceId: trace }), span({ traceId: trace }), span({ traceId: trace })];
      await h.store.putSpans(spans);
      await h.store.putSpans(spans);
      await h.store.putSpans([...spans, ...spans]);
      expect(bySpanKey(await h.store.getTraceSpans([trace]))).toStrictEqual(bySpanKey(spans));
      const target = spans[0]?.links[0]?.spanId ?? '';
      expect(await h.store.findRelatedSpans({ linkedSpanIds: [target], messageIds: [] })).toStrictEqual([spans[0]]);
    });

    it('a rewrite replaces the whole span, links and message id included', async () => {
      const oldTarget = spanId();
      const newTarget = spanId();
      const first = span({
        attributes: { 'messaging.message.id': 'rewrite-old', 'app.gone': 'yes' },
        links: [{ traceId: traceId(), spanId: oldTarget, attributes: {} }],
      });
      const second: SpanRecord = {
        ...first,
        name: 'renamed',
        attributes: { 'messaging.message.id': `rewrite-new-${first.spanId}` },
        links: [{ traceId: traceId(), spanId: newTarget, attributes: {} }],
      };
      await h.store.putSpans([first]);
      await h.store.putSpans([second]);
      expect(await h.store.getSpans([first])).toStrictEqual([second]);
      expect(await h.store.findRelatedSpans({ linkedSpanIds: [oldTarget], messageIds: [] })).toEqual([]);
      expect(await h.store.findRelatedSpans({ linkedSpanIds: [newTarget], messageIds: [] })).toStrictEqual([second]);
      const byOldMessage = await h.store.findRelatedSpans({ linkedSpanIds: [], messageIds: ['rewrite-old'] });
      expect(byOldMessage.filter((s) => s.spanId === first.spanId)).toEqual([]);
    });

    it('findRelatedSpans finds spans linking to the ids or carrying the message ids, each once', async () => {
      const target = spanId();
      const messageId = `related-${spanId()}-✓`;
      const linking = span({ links: [{ traceId: traceId(), spanId: target, attributes: {} }], attributes: {} });
      const sameMessage = span({ attributes: { 'messaging.message.id': messageId }, links: [] });
      // Matches both ways, and links to the target twice: still returned once.
      const both = span({
        attributes: { 'messaging.message.id': messageId },
        links: [
          { traceId: traceId(), spanId: target, attributes: {} },
          { traceId: traceId(), spanId: target, attributes: { again: true } },
        ],
      });
      const numericId = 900_000_000 + Math.floor(Math.random() * 99_999_999);
      const numericMessage = span({ attributes: { 'messaging.message.id': numericId }, links: [] });
      const unrelated = span({ attributes: { 'messaging.message.id': `${messageId}-not` } });
      await h.store.putSpans([linking, sameMessage, both, numericMessage, unrelated]);

      const found = await h.store.findRelatedSpans({ linkedSpanIds: [target], messageIds: [messageId] });
      expect(bySpanKey(found)).toStrictEqual(bySpanKey([linking, sameMessage, both]));
      expect(bySpanKey(await h.store.findRelatedSpans({ linkedSpanIds: [target], messageIds: [] }))).toStrictEqual(
        bySpanKey([linking, both]),
      );
      expect(bySpanKey(await h.store.findRelatedSpans({ linkedSpanIds: [], messageIds: [messageId] }))).toStrictEqual(
        bySpanKey([sameMessage, both]),
      );
      // A numeric messaging.message.id is matched by its decimal string.
      expect(await h.store.findRelatedSpans({ linkedSpanIds: [], messageIds: [String(numericId)] })).toStrictEqual([
        numericMessage,
      ]);
    });

    it('handles message ids longer than any index key limit', async () => {
      const longId = `long-${spanId()}-${'x'.repeat(2000)}-é`;
      const carrier = span({ attributes: { 'messaging.message.id': longId }, links: [] });
      await h.store.putSpans([carrier, span({ attributes: { 'messaging.message.id': `${longId}y` }, links: [] })]);
      expect(await h.store.findRelatedSpans({ linkedSpanIds: [], messageIds: [longId] })).toStrictEqual([carrier]);
    });

    it('writes and reads back a large batch (2,500 spans of one trace)', async () => {
      const trace = traceId();
      const start = BASE_DAY + 20_000;
      const spans = Array.from({ length: 2500 }, (_, i) => span({ traceId: trace, startTime: start + i * 0.5 }));
      await h.store.putSpans(spans);
      const got = await h.store.getTraceSpans([trace]);
      expect(got).toHaveLength(2500);
      expect(got).toStrictEqual(spans);
      const some = spans.filter((_, i) => i % 7 === 0);
      expect(bySpanKey(await h.store.getSpans(some))).toStrictEqual(bySpanKey(some));
      const targets = spans.flatMap((s) => s.links.map((l) => l.spanId));
      expect(await h.store.findRelatedSpans({ linkedSpanIds: targets, messageIds: [] })).toHaveLength(2500);
    });

    it('findRelatedSpanKeys gives the keys of what findRelatedSpans finds, each once, minus the excepted traces', async () => {
      const target = spanId();
      const messageId = `keys-${spanId()}`;
      const linking = span({ links: [{ traceId: traceId(), spanId: target, attributes: {} }], attributes: {} });
      const sameMessage = span({ attributes: { 'messaging.message.id': messageId }, links: [] });
      const both = span({ attributes: { 'messaging.message.id': messageId }, links: [{ traceId: traceId(), spanId: target, attributes: {} }] });
      const unrelated = span({ attributes: { 'messaging.message.id': `${messageId}-not` } });
      await h.store.putSpans([linking, sameMessage, both, unrelated]);
      const sorted = (keys: SpanKey[]) => [...keys].sort((a, b) => (`${a.traceId}-${a.spanId}` < `${b.traceId}-${b.spanId}` ? -1 : 1));
      const keysOf = (spans: SpanRecord[]) => sorted(spans.map(({ traceId, spanId }) => ({ traceId, spanId })));

      const query = { linkedSpanIds: [target], messageIds: [messageId] };
      const keys = await h.store.findRelatedSpanKeys(query);
      expect(sorted(keys)).toStrictEqual(keysOf(await h.store.findRelatedSpans(query)));
      expect(sorted(keys)).toStrictEqual(keysOf([linking, sameMessage, both]));
      expect(sorted(await h.store.findRelatedSpanKeys({ ...query, exceptTraceIds: [both.traceId, traceId()] }))).toStrictEqual(
        keysOf([linking, sameMessage]),
      );
      expect(await h.store.findRelatedSpanKeys({ linkedSpanIds: [], messageIds: [] })).toEqual([]);
      expect(await h.store.findRelatedSpanKeys({ linkedSpanIds: [spanId()], messageIds: ['no-such-message'] })).toEqual([]);
    });

    it('keeps spans of one trace that fall on different days together', async () => {
      const trace = traceId();
      const spans = [span({ traceId: trace, startTime: BASE_DAY - 1 }), span({ traceId: trace, startTime: BASE_DAY + 86_400_000 })];
      await h.store.putSpans(spans);
      expect(await h.store.getTraceSpans([trace])).toStrictEqual(spans);
    });
  });
}
