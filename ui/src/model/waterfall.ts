/**
 * Rows of a trace timeline: spans in tree order (each parent followed by its children, siblings by
 * start time), indented by depth, positioned as a fraction of the whole trace. Start offsets come
 * from the nanosecond start so sub-millisecond ordering survives. Spans whose parent is not in the
 * trace (not received yet, or in another trace) start a tree of their own.
 */
import type { TraceSpan } from '../api/schemas';

export interface WaterfallRow {
  span: TraceSpan;
  depth: number;
  /** Milliseconds from the start of the earliest span. */
  offsetMs: number;
  /** Position and size on the timeline, 0–100. */
  leftPct: number;
  widthPct: number;
  isError: boolean;
}

export interface Waterfall {
  rows: WaterfallRow[];
  totalMs: number;
}

export function buildWaterfall(spans: readonly TraceSpan[]): Waterfall {
  if (spans.length === 0) return { rows: [], totalMs: 0 };
  const starts = new Map(spans.map((span) => [span.spanId, BigInt(span.startTimeUnixNano)]));
  const traceStart = [...starts.values()].reduce((min, value) => (value < min ? value : min));
  const offsetOf = (span: TraceSpan) => Number((starts.get(span.spanId) ?? traceStart) - traceStart) / 1e6;
  const totalMs = Math.max(...spans.map((span) => offsetOf(span) + span.durationMs), 0);

  const ids = new Set(spans.map((span) => span.spanId));
  const children = new Map<string | null, TraceSpan[]>();
  for (const span of spans) {
    const parent = span.parentSpanId && ids.has(span.parentSpanId) && span.parentSpanId !== span.spanId ? span.parentSpanId : null;
    children.set(parent, [...(children.get(parent) ?? []), span]);
  }
  for (const list of children.values()) list.sort((a, b) => offsetOf(a) - offsetOf(b) || a.spanId.localeCompare(b.spanId));

  const rows: WaterfallRow[] = [];
  const placed = new Set<string>();
  const place = (span: TraceSpan, depth: number) => {
    // A parent cycle in bad data must not loop forever.
    if (placed.has(span.spanId)) return;
    placed.add(span.spanId);
    const offsetMs = offsetOf(span);
    rows.push({
      span,
      depth,
      offsetMs,
      leftPct: totalMs > 0 ? (offsetMs / totalMs) * 100 : 0,
      widthPct: totalMs > 0 ? (span.durationMs / totalMs) * 100 : 100,
      isError: span.status.code === 'error',
    });
    for (const child of children.get(span.spanId) ?? []) place(child, depth + 1);
  };
  for (const top of children.get(null) ?? []) place(top, 0);
  // Spans only reachable through a cycle still get a row.
  for (const span of spans) place(span, 0);
  return { rows, totalMs };
}
