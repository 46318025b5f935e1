/**
 * The collector's own span shape: what OTLP (protobuf or JSON) is normalised into, what the stores
 * keep, and what the correlator reads. Ids are lower-case hex; times are epoch milliseconds
 * (fractional) plus the exact nanosecond string from the wire.
 */

export type AttributeValue = string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };
export type Attributes = Record<string, AttributeValue>;

export type SpanKindName = 'unspecified' | 'internal' | 'server' | 'client' | 'producer' | 'consumer';
export type StatusCodeName = 'unset' | 'ok' | 'error';

export interface SpanLink {
  traceId: string;
  spanId: string;
  attributes: Attributes;
}

export interface SpanEvent {
  name: string;
  time: number;
  attributes: Attributes;
}

export interface SpanRecord {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: SpanKindName;
  /** Epoch milliseconds (fractional) of start and end. */
  startTime: number;
  endTime: number;
  /** Exact start in nanoseconds since the epoch, as a decimal string. */
  startTimeUnixNano: string;
  durationMs: number;
  statusCode: StatusCodeName;
  statusMessage?: string;
  /** `service.name` of the resource, or `unknown_service`. */
  service: string;
  resource: Attributes;
  scope?: { name: string; version?: string };
  attributes: Attributes;
  links: SpanLink[];
  events: SpanEvent[];
}

/** Key of a span across the whole store. */
export function spanKey(traceId: string, spanId: string): string {
  return `${traceId}-${spanId}`;
}

export function stringAttr(attributes: Attributes, key: string): string | undefined {
  const value = attributes[key];
  if (typeof value === 'string') return value.length > 0 ? value : undefined;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

export function numberAttr(attributes: Attributes, key: string): number | undefined {
  const value = attributes[key];
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}
