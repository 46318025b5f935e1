/**
 * Values keyed by a span's (trace id, span id), held as a map of trace ids to maps of span ids.
 *
 * The correlator looks spans up by key several times per ingested span (its batch, the merged
 * traces, the derivation's index). A joined key string (`spanKey`) is a new string per look-up, which
 * V8 must flatten and hash in full every time, and those held as map keys live as long as the batch
 * and are promoted with it. The ids themselves are strings the spans already hold, hashed once.
 */
export class SpanKeyMap<V> {
  private readonly byTrace = new Map<string, Map<string, V>>();

  get(traceId: string, spanId: string): V | undefined {
    return this.byTrace.get(traceId)?.get(spanId);
  }

  has(traceId: string, spanId: string): boolean {
    return this.byTrace.get(traceId)?.has(spanId) ?? false;
  }

  set(traceId: string, spanId: string, value: V): void {
    let spans = this.byTrace.get(traceId);
    if (!spans) {
      spans = new Map();
      this.byTrace.set(traceId, spans);
    }
    spans.set(spanId, value);
  }

  /** Sets the value unless the key has one; true when it was set. */
  add(traceId: string, spanId: string, value: V): boolean {
    if (this.has(traceId, spanId)) return false;
    this.set(traceId, spanId, value);
    return true;
  }

  /** Every value, grouped by trace in the order traces were first set. */
  *values(): Generator<V> {
    for (const spans of this.byTrace.values()) yield* spans.values();
  }
}
