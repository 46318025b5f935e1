/**
 * The wire-neutral shape both decoders (protobuf and JSON) produce, before validation and
 * conversion into `SpanRecord`s. Internal to `otlp/`. Ids are lower-case hex of whatever the client
 * sent (possibly the wrong length, or not hex at all for JSON) so one validator serves both formats;
 * times are exact nanoseconds as bigint.
 */
import type { Attributes } from '../model/span.js';

export interface DecodedEvent {
  name: string;
  timeUnixNano: bigint;
  attributes: Attributes;
}

export interface DecodedLink {
  traceId: string;
  spanId: string;
  attributes: Attributes;
}

export interface DecodedSpan {
  traceId: string;
  spanId: string;
  /** '' when the span has no parent. */
  parentSpanId: string;
  name: string;
  /** SpanKind enum number (0 unspecified … 5 consumer). */
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Attributes;
  events: DecodedEvent[];
  links: DecodedLink[];
  /** StatusCode enum number (0 unset, 1 ok, 2 error). */
  statusCode: number;
  statusMessage: string;
}

export interface DecodedScopeSpans {
  scope?: { name: string; version: string };
  spans: DecodedSpan[];
}

export interface DecodedResourceSpans {
  resource: Attributes;
  scopeSpans: DecodedScopeSpans[];
}
