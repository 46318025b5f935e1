/**
 * Spans the correlator holds in memory because the store may not show them to reads yet: the batch
 * being ingested, and (on a store with deferred visibility, Elasticsearch) batches written but not
 * yet refreshed, while the next batch is already being correlated. Every store read of the
 * correlator is completed from here, so what it derives does not depend on when a refresh lands.
 */
import type { SpanRecord } from '../model/span.js';
import type { SpanKey } from '../store/store.js';
import { SpanKeyMap } from './span-key-map.js';
import { messageId, messagingRole } from './span-roles.js';

/** One batch, indexed for the correlator's look-ups. */
export class BatchSpans {
  private readonly byTrace = new Map<string, SpanRecord[]>();
  private readonly producersByMessageId = new Map<string, SpanRecord[]>();
  private readonly byMessageId = new Map<string, SpanRecord[]>();
  private readonly byLinkTarget = new Map<string, SpanRecord[]>();

  private readonly byKey = new SpanKeyMap<SpanRecord>();

  /** @param spans the batch; of a span sent twice, the last copy is kept. */
  constructor(spans: readonly SpanRecord[]) {
    for (const span of spans) this.byKey.set(span.traceId, span.spanId, span);
    for (const span of this.byKey.values()) {
      push(this.byTrace, span.traceId, span);
      const id = messageId(span);
      if (id !== undefined) {
        push(this.byMessageId, id, span);
        if (messagingRole(span) === 'producer') push(this.producersByMessageId, id, span);
      }
      for (const link of span.links) push(this.byLinkTarget, link.spanId, span);
    }
  }

  get(traceId: string, spanId: string): SpanRecord | undefined {
    return this.byKey.get(traceId, spanId);
  }

  traceSpans(traceId: string): readonly SpanRecord[] {
    return this.byTrace.get(traceId) ?? [];
  }

  producersOf(id: string): readonly SpanRecord[] {
    return this.producersByMessageId.get(id) ?? [];
  }

  /** What `Store.findRelatedSpanKeys` would find here: spans linking to the span ids or carrying the message ids. */
  related(linkedSpanIds: Iterable<string>, messageIds: Iterable<string>): SpanRecord[] {
    const found: SpanRecord[] = [];
    for (const id of linkedSpanIds) found.push(...(this.byLinkTarget.get(id) ?? []));
    for (const id of messageIds) found.push(...(this.byMessageId.get(id) ?? []));
    return found;
  }
}

/**
 * Batches written with deferred visibility, newest last, until a refresh that covers them has
 * completed. Bounded by the ingest pipeline: at most the batches it has in flight.
 */
export class UnrefreshedBatches {
  private batches: Array<{ seq: number; spans: BatchSpans }> = [];
  private lastSeq = 0;

  /** Registers a batch whose spans were written; returns its sequence number for `refreshed`. */
  add(spans: BatchSpans): number {
    const seq = ++this.lastSeq;
    this.batches.push({ seq, spans });
    return seq;
  }

  /** Forgets a batch whose write failed (it will be ingested again). */
  remove(seq: number): void {
    this.batches = this.batches.filter((batch) => batch.seq !== seq);
  }

  /** Sequence number of the newest batch registered so far. */
  get newest(): number {
    return this.lastSeq;
  }

  /** A refresh that started after batch `seq` was written has completed: it and older ones are visible. */
  refreshed(seq: number): void {
    this.batches = this.batches.filter((batch) => batch.seq > seq);
  }

  get isEmpty(): boolean {
    return this.batches.length === 0;
  }

  /** Newest first, so the latest copy of a span re-sent across batches wins. */
  *newestFirst(): Generator<BatchSpans> {
    for (let i = this.batches.length - 1; i >= 0; i--) yield (this.batches[i] as { spans: BatchSpans }).spans;
  }
}

/**
 * Merges spans read from the store with copies held in memory: memory first (newer), then stored
 * spans whose key memory does not have. One span per key.
 */
export function mergeByKey(inMemory: Iterable<SpanRecord>, stored: Iterable<SpanRecord>): SpanRecord[] {
  const byKey = new SpanKeyMap<SpanRecord>();
  for (const span of inMemory) byKey.add(span.traceId, span.spanId, span);
  for (const span of stored) byKey.add(span.traceId, span.spanId, span);
  return [...byKey.values()];
}

export function keyOf(span: SpanRecord): SpanKey {
  return { traceId: span.traceId, spanId: span.spanId };
}

function push<V>(map: Map<string, V[]>, key: string, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
