/** One trace's spans, shaped for the API. */
import type { SpanRecord } from '../model/span.js';
import type { Store } from '../store/store.js';
import { MAX_TRACE_SPANS, type Trace, type TraceSpan } from '../schemas/traces.js';
import { iso } from './time.js';

/** The trace, or undefined when no span of it is stored. Spans earliest first. */
export async function getTrace(store: Store, traceId: string): Promise<Trace | undefined> {
  const id = traceId.toLowerCase();
  const spans = (await store.getTraceSpans([id])).filter((s) => s.traceId === id);
  if (spans.length === 0) return undefined;
  spans.sort((a, b) => a.startTime - b.startTime || (a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0));
  return { traceId: id, spans: spans.slice(0, MAX_TRACE_SPANS).map(toTraceSpan), truncated: spans.length > MAX_TRACE_SPANS };
}

function toTraceSpan(span: SpanRecord): TraceSpan {
  const status: TraceSpan['status'] = { code: span.statusCode };
  if (span.statusMessage) status.message = span.statusMessage;
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId ?? null,
    name: span.name,
    kind: span.kind,
    service: span.service,
    startTime: iso(span.startTime),
    endTime: iso(span.endTime),
    startTimeUnixNano: span.startTimeUnixNano,
    durationMs: span.durationMs,
    status,
    attributes: span.attributes,
    resource: span.resource,
    scope: span.scope ?? null,
    links: span.links.map((l) => ({ traceId: l.traceId, spanId: l.spanId, attributes: l.attributes })),
    events: span.events.map((e) => ({ name: e.name, time: iso(e.time), attributes: e.attributes })),
  };
}
