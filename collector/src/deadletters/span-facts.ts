/**
 * The dead-letter facts the SDK (and other instrumentations) put on spans, read by attribute name.
 * The names repeat `instrumentation/src/semconv.ts` ("Failures and dead letters") in this one
 * module, as `correlation/span-roles.ts` does for the messaging names: the collector must read
 * spans from any SDK version, so it depends on the strings, not on the SDK build.
 */
import { numberAttr, stringAttr, type SpanRecord } from '../model/span.js';
import type { DeadLetterConvention, DeadLetterReason } from './types.js';

export const DL = {
  deliveryAttempt: 'causeway.message.delivery_attempt',
  deliveryCount: 'causeway.message.delivery_count',
  errorFingerprint: 'causeway.error.fingerprint',
  convention: 'causeway.dead_letter.convention',
  originDestination: 'causeway.dead_letter.origin.destination',
  originPartition: 'causeway.dead_letter.origin.partition',
  originOffset: 'causeway.dead_letter.origin.offset',
  originGroup: 'causeway.dead_letter.origin.group',
  attempts: 'causeway.dead_letter.attempts',
  errorType: 'causeway.dead_letter.error.type',
  errorMessage: 'causeway.dead_letter.error.message',
  errorStack: 'causeway.dead_letter.error.stacktrace',
  errorFingerprintCopy: 'causeway.dead_letter.error.fingerprint',
  firstFailureAt: 'causeway.dead_letter.first_failure_at_ms',
  lastFailureAt: 'causeway.dead_letter.last_failure_at_ms',
  originalEventId: 'causeway.dead_letter.original_event_id',
  /** RabbitMQ adapter's x-death reading (older names, still written). */
  deathReason: 'causeway.dead_letter.reason',
  deathFirstReason: 'causeway.dead_letter.first_reason',
  deathQueue: 'causeway.dead_letter.original_queue',
  deathCount: 'causeway.dead_letter.count',
  /**
   * `retry` on a copy the SDK's helper republished for another try (not a dead letter). Not in the
   * SDK's semconv yet: a copy without it counts as dead-lettered.
   */
  kind: 'causeway.dead_letter.kind',
  payload: 'causeway.message.payload',
  payloadTruncated: 'causeway.message.payload.truncated',
  headers: 'causeway.message.headers',
} as const;

const CONVENTIONS: ReadonlySet<string> = new Set(['rabbitmq', 'spring-kafka', 'kafka-connect', 'causeway']);
const BROKER_REASONS: ReadonlySet<string> = new Set(['rejected', 'expired', 'maxlen', 'delivery_limit']);

/** Stack traces kept on a record are capped (the SDK caps them too; other SDKs may not). */
export const MAX_STACK_CHARS = 8 * 1024;
const MAX_MESSAGE_CHARS = 2 * 1024;

/**
 * The convention of a dead-letter copy, or undefined when the span is not reading one. An older
 * RabbitMQ adapter recorded only `causeway.dead_letter.reason/original_queue`: that is RabbitMQ too.
 * A copy the SDK's helper marked as a retry is not a dead letter.
 */
export function copyConvention(span: SpanRecord): Exclude<DeadLetterConvention, 'settlement'> | undefined {
  if (stringAttr(span.attributes, DL.kind) === 'retry') return undefined;
  const convention = stringAttr(span.attributes, DL.convention);
  if (convention !== undefined) return CONVENTIONS.has(convention) ? (convention as Exclude<DeadLetterConvention, 'settlement'>) : undefined;
  if (stringAttr(span.attributes, DL.deathQueue) !== undefined || stringAttr(span.attributes, DL.deathReason) !== undefined) return 'rabbitmq';
  return undefined;
}

/** Why a copy was dead-lettered: the broker's reason for RabbitMQ, else an application `error`. */
export function copyReason(span: SpanRecord, convention: DeadLetterConvention): DeadLetterReason {
  const reason = stringAttr(span.attributes, DL.deathReason) ?? stringAttr(span.attributes, DL.deathFirstReason);
  if (reason !== undefined && BROKER_REASONS.has(reason)) return reason as DeadLetterReason;
  if (convention === 'rabbitmq') return 'unknown';
  return 'error';
}

export interface ErrorFacts {
  type?: string;
  message?: string;
  stack?: string;
  fingerprint?: string;
}

/** The failure recorded on a failing consumer span: its `exception` event, else `error.type` and the status message. */
export function spanFailure(span: SpanRecord): ErrorFacts {
  const facts: ErrorFacts = {};
  // The last exception recorded is the one that ended the span.
  const exception = [...span.events].reverse().find((event) => event.name === 'exception');
  const type = (exception && stringAttr(exception.attributes, 'exception.type')) ?? stringAttr(span.attributes, 'error.type');
  const message = (exception && stringAttr(exception.attributes, 'exception.message')) ?? span.statusMessage;
  const stack = exception && stringAttr(exception.attributes, 'exception.stacktrace');
  const fingerprint = stringAttr(span.attributes, DL.errorFingerprint);
  if (type !== undefined) facts.type = cap(type, 512);
  if (message) facts.message = cap(message, MAX_MESSAGE_CHARS);
  if (stack !== undefined) facts.stack = cap(stack, MAX_STACK_CHARS);
  if (fingerprint !== undefined) facts.fingerprint = fingerprint;
  return facts;
}

/** The failure a dead-letter copy carries (provenance headers the SDK or Spring / Connect wrote). */
export function copyFailure(span: SpanRecord): ErrorFacts {
  const facts: ErrorFacts = {};
  const type = stringAttr(span.attributes, DL.errorType);
  const message = stringAttr(span.attributes, DL.errorMessage);
  const stack = stringAttr(span.attributes, DL.errorStack);
  const fingerprint = stringAttr(span.attributes, DL.errorFingerprintCopy);
  if (type !== undefined) facts.type = cap(type, 512);
  if (message !== undefined) facts.message = cap(message, MAX_MESSAGE_CHARS);
  if (stack !== undefined) facts.stack = cap(stack, MAX_STACK_CHARS);
  if (fingerprint !== undefined) facts.fingerprint = fingerprint;
  return facts;
}

/** Deliveries so far, from what the span says (attempt number, quorum delivery count + 1, x-death count). */
export function attemptsOf(span: SpanRecord): number | undefined {
  const candidates = [
    numberAttr(span.attributes, DL.attempts),
    numberAttr(span.attributes, DL.deliveryAttempt),
    plusOne(numberAttr(span.attributes, DL.deliveryCount)),
    numberAttr(span.attributes, DL.deathCount),
  ].filter((value): value is number => value !== undefined && Number.isFinite(value) && value >= 0);
  return candidates.length > 0 ? Math.floor(Math.max(...candidates)) : undefined;
}

export function timeAttr(span: SpanRecord, key: string): number | undefined {
  const value = numberAttr(span.attributes, key);
  return value !== undefined && value > 0 ? value : undefined;
}

/** Captured payload and headers (already redacted and capped by the SDK), when capture was on. */
export function capturedPayload(span: SpanRecord): { payload?: string; payloadTruncated?: boolean; headers?: Record<string, string> } {
  const out: { payload?: string; payloadTruncated?: boolean; headers?: Record<string, string> } = {};
  const payload = span.attributes[DL.payload];
  if (typeof payload === 'string') {
    out.payload = payload;
    const truncated = span.attributes[DL.payloadTruncated];
    out.payloadTruncated = truncated === true || truncated === 'true';
  }
  const headers = parseHeaders(span.attributes[DL.headers]);
  if (headers) out.headers = headers;
  return out;
}

/** Headers arrive as a JSON object string; anything else is ignored. At most 200 string values. */
function parseHeaders(raw: unknown): Record<string, string> | undefined {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 256 * 1024) return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(parsed as Record<string, unknown>).slice(0, 200)) {
      if (typeof value === 'string') out[key] = value;
      else if (typeof value === 'number' || typeof value === 'boolean') out[key] = String(value);
    }
    return out;
  } catch {
    return undefined;
  }
}

function plusOne(value: number | undefined): number | undefined {
  return value === undefined ? undefined : value + 1;
}

function cap(text: string, max: number): string {
  return text.length > max ? text.slice(0, max) : text;
}
