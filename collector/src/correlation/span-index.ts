/**
 * Lookups over the spans loaded for one derivation: by key, children by parent, producers by
 * message id. Built once per derivation so every rule runs in O(spans).
 */
import { spanKey, type SpanRecord } from '../model/span.js';
import { SpanKeyMap } from './span-key-map.js';
import { messageId, messagingRole } from './span-roles.js';

export class SpanIndex {
  private readonly byKey = new SpanKeyMap<SpanRecord>();
  /** Keyed by the parent's key (the child's trace id and its parent span id). */
  private readonly childrenByParent = new SpanKeyMap<SpanRecord[]>();
  private readonly producersByMessageId = new Map<string, SpanRecord[]>();

  constructor(spans: Iterable<SpanRecord>) {
    for (const span of spans) {
      // The same span may be loaded twice (as part of its trace and as a link target): keep one.
      if (!this.byKey.add(span.traceId, span.spanId, span)) continue;
      if (span.parentSpanId) {
        const siblings = this.childrenByParent.get(span.traceId, span.parentSpanId);
        if (siblings) siblings.push(span);
        else this.childrenByParent.set(span.traceId, span.parentSpanId, [span]);
      }
      if (messagingRole(span) === 'producer') {
        const id = messageId(span);
        if (id !== undefined) push(this.producersByMessageId, id, span);
      }
    }
  }

  get(traceId: string, spanId: string): SpanRecord | undefined {
    return this.byKey.get(traceId, spanId);
  }

  parentOf(span: SpanRecord): SpanRecord | undefined {
    return span.parentSpanId ? this.get(span.traceId, span.parentSpanId) : undefined;
  }

  childrenOf(span: SpanRecord): readonly SpanRecord[] {
    return this.childrenByParent.get(span.traceId, span.spanId) ?? [];
  }

  /**
   * The producer span that stands for event `id` among those recording that message id. A message
   * can be published by more than one span (a retried send, a republish with the same id); the
   * earliest one is the event's publish, so the choice does not depend on arrival order.
   */
  canonicalProducer(id: string): SpanRecord | undefined {
    const producers = this.producersByMessageId.get(id);
    if (!producers) return undefined;
    let best: SpanRecord | undefined;
    for (const span of producers) {
      if (!best || compareSpans(span, best) < 0) best = span;
    }
    return best;
  }
}

/** Earliest start first, ties broken by key so the order is total. */
export function compareSpans(a: SpanRecord, b: SpanRecord): number {
  if (a.startTime !== b.startTime) return a.startTime - b.startTime;
  const ka = spanKey(a.traceId, a.spanId);
  const kb = spanKey(b.traceId, b.spanId);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
