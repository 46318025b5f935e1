/**
 * Causal edges A → B: event B was published while event A was being processed.
 *
 * 1. B's producer span names its parent event in `causeway.event.parent_id` (Causeway SDK): that
 *    is the answer (via `attribute`), even when the spans in between were never exported.
 * 2. Otherwise walk up from B's producer span to the nearest consumer span in the same trace and
 *    take the events it consumed (via `span-tree`, or `link` for events that consumer reached only
 *    through a span link: batches and cross-trace consumers). This works for any SDK.
 * A broken ancestor chain (a parent not stored yet) yields nothing for now: the missing span is in
 * the same trace, so its arrival re-derives B's edges.
 */
import type { SpanRecord } from '../model/span.js';
import type { CausalEdgeRecord } from '../store/store.js';
import { consumedEvents } from './deliveries.js';
import { eventIdOf, isEventProducer } from './events.js';
import type { SpanIndex } from './span-index.js';
import { causalParentId, messageId, messagingRole } from './span-roles.js';

/** Ancestor walks stop here; real traces are far shallower, a corrupt parent chain must not spin. */
const MAX_ANCESTOR_DEPTH = 1000;

export function edgeId(from: string, to: string): string {
  return `${from}>${to}`;
}

/** The nearest consumer span above `span`, `null` when the span has no consumer ancestor, undefined when the chain is broken. */
export function nearestConsumerAncestor(span: SpanRecord, index: SpanIndex): SpanRecord | null | undefined {
  let current = span;
  for (let depth = 0; depth < MAX_ANCESTOR_DEPTH; depth++) {
    if (!current.parentSpanId) return null;
    const parent = index.parentOf(current);
    if (!parent) return undefined;
    if (messagingRole(parent) === 'consumer') return parent;
    current = parent;
  }
  return undefined;
}

export function deriveEdges(producer: SpanRecord, index: SpanIndex): CausalEdgeRecord[] {
  if (!isEventProducer(producer)) return [];
  const to = eventIdOf(producer);
  // When several spans published the same message id, only the event's canonical publish (see
  // `SpanIndex.canonicalProducer`) says where it came from, so the answer does not depend on
  // which of them arrived last.
  const id = messageId(producer);
  const canonical = id !== undefined ? index.canonicalProducer(id) : producer;
  if (canonical && canonical !== producer) return [];
  const at = producer.startTime;

  const parentId = causalParentId(producer);
  if (parentId !== undefined) {
    return parentId === to ? [] : [{ id: edgeId(parentId, to), from: parentId, to, at, via: 'attribute' }];
  }

  const consumer = nearestConsumerAncestor(producer, index);
  if (!consumer) return [];
  return consumedEvents(consumer, index)
    .filter(({ eventId }) => eventId !== to)
    .map(({ eventId, via }) => ({
      id: edgeId(eventId, to),
      from: eventId,
      to,
      at,
      via: via === 'link' ? ('link' as const) : ('span-tree' as const),
    }));
}
