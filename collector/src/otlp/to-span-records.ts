/**
 * Validates decoded spans and converts them into `SpanRecord`s. A span with an unusable id is
 * rejected on its own (OTLP partial success) so one bad span never costs the client its batch.
 * The conversion is a pure function of the input: the same request always yields identical records,
 * which is what lets re-sent batches overwrite instead of double-count downstream.
 */
import type { Attributes, SpanKindName, SpanLink, SpanRecord, StatusCodeName } from '../model/span.js';
import type { DecodedResourceSpans, DecodedSpan } from './decoded.js';
import type { DecodedTraceRequest } from './types.js';

const KIND_NAMES: readonly SpanKindName[] = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];
const STATUS_NAMES: readonly StatusCodeName[] = ['unset', 'ok', 'error'];
const UNKNOWN_SERVICE = 'unknown_service';
/** How many rejection reasons the partial-success message spells out. */
const MAX_REASONS = 5;

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;

export function toSpanRecords(resourceSpans: DecodedResourceSpans[]): DecodedTraceRequest {
  const spans: SpanRecord[] = [];
  const reasons: string[] = [];
  let rejectedSpans = 0;

  resourceSpans.forEach((rs, r) => {
    const service = serviceName(rs.resource);
    rs.scopeSpans.forEach((ss, s) => {
      const scope = ss.scope && (ss.scope.name !== '' || ss.scope.version !== '') ? ss.scope : undefined;
      ss.spans.forEach((span, i) => {
        const problem = invalidIds(span);
        if (problem !== undefined) {
          rejectedSpans += 1;
          if (reasons.length < MAX_REASONS) {
            reasons.push(`span ${JSON.stringify(span.name)} (resourceSpans[${r}].scopeSpans[${s}].spans[${i}]): ${problem}`);
          }
          return;
        }
        spans.push(toRecord(span, service, rs.resource, scope));
      });
    });
  });

  const result: DecodedTraceRequest = { spans, rejectedSpans };
  if (rejectedSpans > 0) {
    const more = rejectedSpans > reasons.length ? `; and ${rejectedSpans - reasons.length} more` : '';
    result.errorMessage = `${rejectedSpans} invalid span(s) rejected: ${reasons.join('; ')}${more}`;
  }
  return result;
}

function toRecord(span: DecodedSpan, service: string, resource: Attributes, scope: { name: string; version: string } | undefined): SpanRecord {
  // A span that claims to end before it starts is kept, with a zero duration, rather than rejected.
  const end = span.endTimeUnixNano < span.startTimeUnixNano ? span.startTimeUnixNano : span.endTimeUnixNano;
  const record: SpanRecord = {
    traceId: span.traceId,
    spanId: span.spanId,
    name: span.name,
    kind: KIND_NAMES[span.kind] ?? 'unspecified',
    startTime: nanosToMillis(span.startTimeUnixNano),
    endTime: nanosToMillis(end),
    startTimeUnixNano: span.startTimeUnixNano.toString(),
    durationMs: Number(end - span.startTimeUnixNano) / 1e6,
    statusCode: STATUS_NAMES[span.statusCode] ?? 'unset',
    service,
    resource,
    attributes: span.attributes,
    links: span.links.map((link): SpanLink => ({ traceId: link.traceId, spanId: link.spanId, attributes: link.attributes })),
    events: span.events.map((event) => ({ name: event.name, time: nanosToMillis(event.timeUnixNano), attributes: event.attributes })),
  };
  // Optional fields are omitted rather than set to undefined so records survive a JSON round trip unchanged.
  if (span.parentSpanId !== '' && !/^0+$/.test(span.parentSpanId)) record.parentSpanId = span.parentSpanId;
  if (span.statusMessage !== '') record.statusMessage = span.statusMessage;
  if (scope) record.scope = scope.version !== '' ? { name: scope.name, version: scope.version } : { name: scope.name };
  return record;
}

/** Why the span's ids are unusable, or undefined when they are fine. */
function invalidIds(span: DecodedSpan): string | undefined {
  const traceId = checkId('trace_id', span.traceId, TRACE_ID, 16);
  if (traceId) return traceId;
  const spanId = checkId('span_id', span.spanId, SPAN_ID, 8);
  if (spanId) return spanId;
  // An all-zero parent id means "no parent" to some SDKs; anything else must be a real span id.
  if (span.parentSpanId !== '' && !/^0+$/.test(span.parentSpanId) && !SPAN_ID.test(span.parentSpanId)) {
    return `parent_span_id must be empty or 8 bytes (16 hex digits), got ${idDescription(span.parentSpanId)}`;
  }
  for (const [index, link] of span.links.entries()) {
    const problem = checkId(`links[${index}].trace_id`, link.traceId, TRACE_ID, 16) ?? checkId(`links[${index}].span_id`, link.spanId, SPAN_ID, 8);
    if (problem) return problem;
  }
  return undefined;
}

function checkId(name: string, hex: string, pattern: RegExp, bytes: number): string | undefined {
  if (!pattern.test(hex)) return `${name} must be ${bytes} bytes (${bytes * 2} hex digits), got ${idDescription(hex)}`;
  if (/^0+$/.test(hex)) return `${name} must not be all zeros`;
  return undefined;
}

function idDescription(hex: string): string {
  if (hex === '') return 'none';
  if (!/^[0-9a-f]*$/.test(hex) || hex.length % 2 !== 0) return `${JSON.stringify(hex.slice(0, 48))} (not hex)`;
  return `${hex.length / 2} bytes`;
}

function serviceName(resource: Attributes): string {
  const name = resource['service.name'];
  return typeof name === 'string' && name !== '' ? name : UNKNOWN_SERVICE;
}

/** Exact to the nanosecond where a double allows it: whole milliseconds and the remainder are converted separately. */
function nanosToMillis(nanos: bigint): number {
  return Number(nanos / 1_000_000n) + Number(nanos % 1_000_000n) / 1e6;
}
