/** Schemas of `/api/traces/:traceId`. */
import { Type, type Static } from 'typebox';
import { IsoTime, Nullable } from './common.js';

export const TraceParams = Type.Object({
  traceId: Type.String({ pattern: '^[0-9a-fA-F]{32}$', errorMessage: 'traceId must be 32 hexadecimal characters' }),
});
export type TraceParams = Static<typeof TraceParams>;

const AttributeMap = Type.Record(Type.String(), Type.Unknown());

export const TraceSpan = Type.Object({
  traceId: Type.String(),
  spanId: Type.String(),
  parentSpanId: Nullable(Type.String()),
  name: Type.String(),
  kind: Type.String(),
  service: Type.String(),
  startTime: IsoTime,
  endTime: IsoTime,
  /** Exact start, nanoseconds since the epoch, as a decimal string. */
  startTimeUnixNano: Type.String(),
  durationMs: Type.Number(),
  status: Type.Object({ code: Type.String(), message: Type.Optional(Type.String()) }),
  attributes: AttributeMap,
  resource: AttributeMap,
  scope: Nullable(Type.Object({ name: Type.String(), version: Type.Optional(Type.String()) })),
  links: Type.Array(Type.Object({ traceId: Type.String(), spanId: Type.String(), attributes: AttributeMap })),
  events: Type.Array(Type.Object({ name: Type.String(), time: IsoTime, attributes: AttributeMap })),
});
export type TraceSpan = Static<typeof TraceSpan>;

export const MAX_TRACE_SPANS = 10_000;

export const Trace = Type.Object({
  traceId: Type.String(),
  spans: Type.Array(TraceSpan),
  /** True when the trace holds more than MAX_TRACE_SPANS spans and only the earliest are returned. */
  truncated: Type.Boolean(),
});
export type Trace = Static<typeof Trace>;
