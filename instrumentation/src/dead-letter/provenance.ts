/**
 * Causeway's own retry / dead-letter provenance: the `causeway-dl-*` headers written on the copy of
 * a failed message that is republished to a retry or dead-letter destination, and read back into
 * `causeway.dead_letter.*` attributes by whoever consumes that copy.
 *
 * The copy keeps every header of the failed message (its `causeway-event-id` above all: it is the
 * same event) except the W3C trace context: the instrumented send of the copy injects its own span,
 * a child of the failing process span, so the consumer of the copy continues the original trace
 * through the failure instead of branching off the first publish.
 */
import type { Attributes } from '@opentelemetry/api';
import { eventIdFromHeaders } from '../core/event-identity.js';
import { findHeader, hasHeaderWithPrefix, type HeaderBag } from '../core/headers.js';
import {
  ATTR_CAUSEWAY_DL_ATTEMPTS,
  ATTR_CAUSEWAY_DL_CONVENTION,
  ATTR_CAUSEWAY_DL_FIRST_FAILURE_AT,
  ATTR_CAUSEWAY_DL_LAST_FAILURE_AT,
  ATTR_CAUSEWAY_DL_ORIGIN_DESTINATION,
  ATTR_CAUSEWAY_DL_ORIGIN_GROUP,
  ATTR_CAUSEWAY_DL_ORIGIN_OFFSET,
  ATTR_CAUSEWAY_DL_ORIGIN_PARTITION,
  ATTR_CAUSEWAY_DL_ORIGINAL_EVENT_ID,
  HEADER_DL_ATTEMPTS,
  HEADER_DL_ERROR_FINGERPRINT,
  HEADER_DL_ERROR_MESSAGE,
  HEADER_DL_ERROR_STACKTRACE,
  HEADER_DL_ERROR_TYPE,
  HEADER_DL_FIRST_FAILURE_AT,
  HEADER_DL_LAST_FAILURE_AT,
  HEADER_DL_ORIGIN_DESTINATION,
  HEADER_DL_ORIGIN_GROUP,
  HEADER_DL_ORIGIN_OFFSET,
  HEADER_DL_ORIGIN_PARTITION,
  HEADER_DL_ORIGINAL_EVENT_ID,
  HEADER_DL_KIND,
  ATTR_CAUSEWAY_DL_KIND,
} from '../semconv.js';
import { errorFacts } from './failure.js';
import { MAX_NAME_BYTES, cappedText, headerInteger, headerTime, truncateUtf8 } from './header-values.js';
import { setError } from './kafka-conventions.js';

/** Where the failed message was consumed. */
export interface DeadLetterOrigin {
  /** Topic or queue. */
  destination: string;
  partition?: number | string;
  offset?: number | string | bigint;
  /** Consumer group (Kafka) or queue (RabbitMQ) whose consumer failed. */
  group?: string;
}

/** The failure being dead-lettered or retried. */
export interface DeadLetterFailure {
  error: unknown;
  /**
   * Deliveries of the message that failed since it was last republished (default 1). Added to the
   * attempts an earlier republish recorded, so the count grows across retry hops.
   */
  attempts?: number;
  /** When it first failed, if known from elsewhere; an earlier republish's value wins. Epoch ms or Date. */
  firstFailureAt?: number | Date;
  /** `retry`: the copy goes to a retry topic / queue to be tried again; default `dead-letter`. */
  kind?: 'dead-letter' | 'retry';
}

export interface DeadLetterCopy extends DeadLetterFailure {
  /** Headers of the consumed message that failed (copied, never mutated). */
  headers: HeaderBag | null | undefined;
  /** Where it was consumed. An earlier republish's origin wins: a retry chain keeps pointing at the first failure. */
  origin: DeadLetterOrigin;
  /** Event id when the message carries none in `causeway-event-id` (e.g. the AMQP `messageId`). */
  eventId?: string;
}

/** The stack trace in a header is cut shorter than on spans: headers travel with every copy. */
const MAX_HEADER_STACK_BYTES = 4096;
/** Every `HEADER_DL_*` name starts with this. */
const CAUSEWAY_DL_PREFIX = ['causeway-dl-'];
const TRACE_CONTEXT_HEADERS = new Set(['traceparent', 'tracestate']);

/**
 * Headers for the retry / dead-letter copy of a failed message: the original headers (minus trace
 * context, see above) plus the `causeway-dl-*` provenance. Publish them with an instrumented
 * producer inside the failing message's context (`runWithMessageContext`), or use
 * `sendKafkaDeadLetter` / `publishAmqpDeadLetter`, which do both.
 */
export function deadLetterHeaders(copy: DeadLetterCopy, now: number = Date.now()): Record<string, unknown> {
  const source = copy.headers && typeof copy.headers === 'object' ? copy.headers : {};
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(source)) {
    if (!TRACE_CONTEXT_HEADERS.has(key.toLowerCase())) out[key] = source[key];
  }
  const earlier = earlierProvenance(source);
  const set = (name: string, value: string | undefined): void => {
    if (value === undefined) return;
    // Our own headers from an earlier hop are replaced, whatever case a bridge gave them.
    for (const key of Object.keys(out)) if (key.toLowerCase() === name) delete out[key];
    out[name] = value;
  };

  const origin = earlier.destination !== undefined ? earlier : originText(copy.origin);
  set(HEADER_DL_ORIGIN_DESTINATION, origin.destination);
  set(HEADER_DL_ORIGIN_PARTITION, origin.partition);
  set(HEADER_DL_ORIGIN_OFFSET, origin.offset);
  set(HEADER_DL_ORIGIN_GROUP, origin.group);

  const hop = typeof copy.attempts === 'number' && Number.isSafeInteger(copy.attempts) && copy.attempts > 0 ? copy.attempts : 1;
  set(HEADER_DL_ATTEMPTS, String((earlier.attempts ?? 0) + hop));
  const facts = errorFacts(copy.error);
  set(HEADER_DL_ERROR_TYPE, facts.type);
  set(HEADER_DL_ERROR_MESSAGE, facts.message);
  set(HEADER_DL_ERROR_FINGERPRINT, facts.fingerprint);
  set(HEADER_DL_ERROR_STACKTRACE, facts.stack === undefined ? undefined : truncateUtf8(facts.stack, MAX_HEADER_STACK_BYTES));
  set(HEADER_DL_FIRST_FAILURE_AT, String(earlier.firstFailureAt ?? epochMs(copy.firstFailureAt) ?? now));
  set(HEADER_DL_LAST_FAILURE_AT, String(now));
  set(HEADER_DL_ORIGINAL_EVENT_ID, earlier.originalEventId ?? eventIdFromHeaders(source, copy.eventId));
  set(HEADER_DL_KIND, copy.kind === 'retry' ? 'retry' : 'dead-letter');
  return out;
}

/** `causeway.dead_letter.*` attributes of a consumed copy carrying Causeway provenance; empty otherwise. */
export function causewayDeadLetterAttributes(headers: HeaderBag | undefined | null): Attributes {
  const earlier = earlierProvenance(headers);
  if (earlier.destination === undefined && earlier.attempts === undefined) return {};
  const attributes: Attributes = { [ATTR_CAUSEWAY_DL_CONVENTION]: 'causeway' };
  if (earlier.destination !== undefined) attributes[ATTR_CAUSEWAY_DL_ORIGIN_DESTINATION] = earlier.destination;
  if (earlier.partition !== undefined) attributes[ATTR_CAUSEWAY_DL_ORIGIN_PARTITION] = earlier.partition;
  const offset = headerInteger(earlier.offset);
  if (offset !== undefined) attributes[ATTR_CAUSEWAY_DL_ORIGIN_OFFSET] = offset;
  if (earlier.group !== undefined) attributes[ATTR_CAUSEWAY_DL_ORIGIN_GROUP] = earlier.group;
  if (earlier.attempts !== undefined) attributes[ATTR_CAUSEWAY_DL_ATTEMPTS] = earlier.attempts;
  const read = (name: string): unknown => findHeader(headers, name);
  setError(attributes, cappedText(read(HEADER_DL_ERROR_TYPE), MAX_NAME_BYTES), read(HEADER_DL_ERROR_MESSAGE), read(HEADER_DL_ERROR_STACKTRACE));
  if (earlier.firstFailureAt !== undefined) attributes[ATTR_CAUSEWAY_DL_FIRST_FAILURE_AT] = earlier.firstFailureAt;
  const last = headerTime(read(HEADER_DL_LAST_FAILURE_AT));
  if (last !== undefined) attributes[ATTR_CAUSEWAY_DL_LAST_FAILURE_AT] = last;
  if (earlier.originalEventId !== undefined) attributes[ATTR_CAUSEWAY_DL_ORIGINAL_EVENT_ID] = earlier.originalEventId;
  const kind = read(HEADER_DL_KIND);
  if (kind === 'retry' || kind === 'dead-letter') attributes[ATTR_CAUSEWAY_DL_KIND] = kind;
  else if (Buffer.isBuffer(kind)) {
    const text = kind.toString('utf8');
    if (text === 'retry' || text === 'dead-letter') attributes[ATTR_CAUSEWAY_DL_KIND] = text;
  }
  return attributes;
}

/**
 * Attempts an earlier republish recorded, when they count for `group`: a retry copy consumed by
 * the group that failed it is the same consumer's next attempt; a dead-letter queue's own consumer
 * group starts its count afresh.
 */
export function earlierAttemptsFor(headers: HeaderBag | undefined | null, group: string | undefined): number {
  // Runs for every consumed message; only a republished copy carries `causeway-dl-*` headers.
  if (!hasHeaderWithPrefix(headers, CAUSEWAY_DL_PREFIX)) return 0;
  const earlier = earlierProvenance(headers);
  if (earlier.attempts === undefined) return 0;
  return earlier.group === undefined || earlier.group === group ? earlier.attempts : 0;
}

interface EarlierProvenance {
  destination?: string;
  partition?: string;
  offset?: string;
  group?: string;
  attempts?: number;
  firstFailureAt?: number;
  originalEventId?: string;
}

function earlierProvenance(headers: HeaderBag | undefined | null): EarlierProvenance {
  const read = (name: string, maxBytes = MAX_NAME_BYTES): string | undefined => cappedText(findHeader(headers, name), maxBytes);
  const out: EarlierProvenance = {};
  const destination = read(HEADER_DL_ORIGIN_DESTINATION);
  if (destination !== undefined) {
    out.destination = destination;
    const partition = headerInteger(findHeader(headers, HEADER_DL_ORIGIN_PARTITION));
    if (partition !== undefined) out.partition = String(partition);
    const offset = headerInteger(findHeader(headers, HEADER_DL_ORIGIN_OFFSET));
    if (offset !== undefined) out.offset = String(offset);
    const group = read(HEADER_DL_ORIGIN_GROUP);
    if (group !== undefined) out.group = group;
  }
  const attempts = headerInteger(findHeader(headers, HEADER_DL_ATTEMPTS));
  // A bogus count from a producer must not make the next hop's count absurd.
  if (attempts !== undefined && attempts > 0 && attempts < 1_000_000) out.attempts = attempts;
  const first = headerTime(findHeader(headers, HEADER_DL_FIRST_FAILURE_AT));
  if (first !== undefined) out.firstFailureAt = first;
  const originalEventId = read(HEADER_DL_ORIGINAL_EVENT_ID, 256);
  if (originalEventId !== undefined) out.originalEventId = originalEventId;
  return out;
}

function originText(origin: DeadLetterOrigin): EarlierProvenance {
  const out: EarlierProvenance = {};
  if (origin && typeof origin.destination === 'string' && origin.destination.length > 0) out.destination = truncateUtf8(origin.destination, MAX_NAME_BYTES);
  else return out;
  const partition = headerInteger(typeof origin.partition === 'number' || typeof origin.partition === 'string' ? String(origin.partition) : undefined);
  if (partition !== undefined) out.partition = String(partition);
  const offset = headerInteger(origin.offset === undefined ? undefined : String(origin.offset));
  if (offset !== undefined) out.offset = String(offset);
  if (typeof origin.group === 'string' && origin.group.length > 0) out.group = truncateUtf8(origin.group, MAX_NAME_BYTES);
  return out;
}

function epochMs(value: number | Date | undefined): number | undefined {
  const ms = value instanceof Date ? value.getTime() : value;
  return typeof ms === 'number' && Number.isFinite(ms) && ms > 0 ? Math.trunc(ms) : undefined;
}
