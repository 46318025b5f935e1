/**
 * The correlator: stores each batch of spans, then re-derives every event, delivery and causal
 * edge the batch can have changed, from what is stored. Records have deterministic ids and are
 * written whole, so a batch seen twice, or spans of one chain arriving in any order, end in the
 * same records.
 *
 * What a batch can change:
 * - records of its own traces (a new settle span changes its delivery's outcome, a new parent
 *   completes an ancestor chain);
 * - records of spans that link to the new spans (a consumer linking to a producer that just
 *   arrived) or carry the same `messaging.message.id` (a consumer whose producer just arrived gets
 *   its queue time; a second publish of a message id may become the canonical one).
 * Those traces are loaded whole (records are derived only from whole traces); link targets and the
 * publishes of the message ids involved are loaded as read-only context.
 *
 * Bounded work per call: traces are processed in chunks of `tracesPerPass`, and look-ups by id in
 * chunks of `idsPerQuery`, so memory grows with the chunk, not with the batch or the store. A
 * single enormous trace is still loaded whole, and again for every batch that touches it, because
 * the store contract has no partial trace read (`getTraceSpans` has no limit).
 */
import type { SpanRecord } from '../model/span.js';
import { spanKey } from '../model/span.js';
import type { Store } from '../store/store.js';
import { deriveRecords } from './derive.js';
import { messageId, messagingRole } from './span-roles.js';

export interface CorrelatorOptions {
  /** Traces loaded and re-derived together. Default 50. */
  tracesPerPass?: number;
  /** Ids per store look-up. Default 500. */
  idsPerQuery?: number;
}

export class Correlator {
  private readonly tracesPerPass: number;
  private readonly idsPerQuery: number;

  constructor(
    private readonly store: Store,
    options: CorrelatorOptions = {},
  ) {
    this.tracesPerPass = Math.max(1, options.tracesPerPass ?? 50);
    this.idsPerQuery = Math.max(1, options.idsPerQuery ?? 500);
  }

  /** Store `spans` and re-derive what they touch. Must not be called concurrently (the ingest worker is serial). */
  async ingest(spans: SpanRecord[]): Promise<void> {
    if (spans.length === 0) return;
    await this.store.putSpans(spans);

    const traces = await this.affectedTraces(spans);
    for (const chunk of chunks([...traces], this.tracesPerPass)) {
      const owned = await this.store.getTraceSpans(chunk);
      const context = await this.loadContext(owned);
      const { events, deliveries, edges } = deriveRecords({ owned, context });
      if (events.length > 0) await this.store.putEvents(events);
      if (deliveries.length > 0) await this.store.putDeliveries(deliveries);
      if (edges.length > 0) await this.store.putEdges(edges);
    }
  }

  /** Traces of the new spans, of stored spans linking to them and of stored spans sharing their message ids. */
  private async affectedTraces(spans: SpanRecord[]): Promise<Set<string>> {
    const traces = new Set(spans.map((span) => span.traceId));
    const spanIds = unique(spans.map((span) => span.spanId));
    const messageIds = unique(spans.map(messageId));
    for (const related of await this.findRelated(spanIds, messageIds)) traces.add(related.traceId);
    return traces;
  }

  /**
   * Read-only spans the derivation needs beyond the owned traces: what consumer spans link to, and
   * every publish of the message ids in play (to pick each event's canonical publish).
   */
  private async loadContext(owned: SpanRecord[]): Promise<SpanRecord[]> {
    const ownedKeys = new Set(owned.map((span) => spanKey(span.traceId, span.spanId)));
    const linkTargets = new Map<string, { traceId: string; spanId: string }>();
    for (const span of owned) {
      if (messagingRole(span) !== 'consumer') continue;
      for (const link of span.links) {
        const key = spanKey(link.traceId, link.spanId);
        if (!ownedKeys.has(key)) linkTargets.set(key, { traceId: link.traceId, spanId: link.spanId });
      }
    }
    const context: SpanRecord[] = [];
    for (const keys of chunks([...linkTargets.values()], this.idsPerQuery)) {
      context.push(...(await this.store.getSpans(keys)));
    }

    const messageIds = unique([...owned, ...context].map(messageId));
    for (const span of await this.findRelated([], messageIds)) {
      if (messagingRole(span) === 'producer' && !ownedKeys.has(spanKey(span.traceId, span.spanId))) context.push(span);
    }
    return context;
  }

  private async findRelated(spanIds: string[], messageIds: string[]): Promise<SpanRecord[]> {
    const found: SpanRecord[] = [];
    for (const ids of chunks(spanIds, this.idsPerQuery)) {
      found.push(...(await this.store.findRelatedSpans({ linkedSpanIds: ids, messageIds: [] })));
    }
    for (const ids of chunks(messageIds, this.idsPerQuery)) {
      found.push(...(await this.store.findRelatedSpans({ linkedSpanIds: [], messageIds: ids })));
    }
    return found;
  }
}

function unique(values: Array<string | undefined>): string[] {
  const set = new Set<string>();
  for (const value of values) if (value !== undefined) set.add(value);
  return [...set];
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
