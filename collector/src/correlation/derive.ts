/**
 * The pure derivation: spans in, records out. The correlator decides which spans to load; this
 * decides what they mean.
 */
import type { SpanRecord } from '../model/span.js';
import type { CausalEdgeRecord, DeliveryRecord, DerivedRecords, EventRecord } from '../store/store.js';
import { deriveDeliveries } from './deliveries.js';
import { deriveEdges } from './edges.js';
import { deriveEvent } from './events.js';
import { SpanIndex } from './span-index.js';
import { deriveDeadLetters, mergeAll } from '../deadletters/derive.js';
import type { DeadLetterRecord } from '../deadletters/types.js';

export interface DerivationInput {
  /**
   * Spans whose records are (re)written. Each must come with every stored span of its trace,
   * because settlements, parents and ancestors are looked up in the trace.
   */
  owned: readonly SpanRecord[];
  /**
   * Spans only read: targets of links and other publishes of the same message ids, possibly from
   * traces that are not loaded whole. No record is derived from them, since a partly loaded trace
   * would give incomplete records that overwrite complete ones.
   */
  context: readonly SpanRecord[];
}

export type { DerivedRecords } from '../store/store.js';

export function deriveRecords(input: DerivationInput): DerivedRecords {
  const index = new SpanIndex([...input.owned, ...input.context]);
  const events = new Map<string, EventRecord>();
  const deliveries = new Map<string, DeliveryRecord>();
  const edges = new Map<string, CausalEdgeRecord>();
  const deadLetters: DeadLetterRecord[] = [];
  const seen = new Set<SpanRecord>();

  for (const candidate of input.owned) {
    // The index keeps one copy of a span loaded twice; derive from that copy, once.
    const span = index.get(candidate.traceId, candidate.spanId);
    if (!span || seen.has(span)) continue;
    seen.add(span);

    const event = deriveEvent(span, index);
    if (event) events.set(event.id, event);
    for (const delivery of deriveDeliveries(span, index)) deliveries.set(delivery.id, delivery);
    for (const edge of deriveEdges(span, index)) edges.set(edge.id, edge);
    deadLetters.push(...deriveDeadLetters(span, index));
  }
  return {
    events: [...events.values()],
    deliveries: [...deliveries.values()],
    edges: [...edges.values()],
    // A failing consumer and the dead-letter copy's consumer may both be loaded: one record each.
    deadLetters: mergeAll(deadLetters),
  };
}
