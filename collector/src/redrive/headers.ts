/**
 * Header names of a redriven copy, and which headers of the dead-letter copy do not travel with it.
 *
 * The `causeway-*` names mirror `instrumentation/src/semconv.ts` (the collector keeps its own copy
 * of the strings it reads, as the correlator does); the two redrive headers are collector-side only.
 */

/** Event id the SDK stamps on messages: a redriven copy keeps the ORIGINAL event's id (same event, new delivery). */
export const HEADER_EVENT_ID = 'causeway-event-id';
/** On a redriven copy: the dead-letter record it was redriven from. */
export const HEADER_REDRIVE_OF = 'causeway-redrive-of';
/** On a redriven copy: how many times this dead letter has been redriven, this time included (1 = first). */
export const HEADER_REDRIVE_COUNT = 'causeway-redrive-count';
/** The SDK's retry / dead-letter helper: the original event id, when the dead-letter copy has its own. */
export const HEADER_DL_ORIGINAL_EVENT_ID = 'causeway-dl-original-event-id';

/** Attributes of the `redrive <destination>` span. */
export const ATTR_REDRIVE_DEAD_LETTER_ID = 'causeway.redrive.dead_letter_id';
export const ATTR_REDRIVE_COUNT = 'causeway.redrive.count';

/** W3C trace context: replaced by the redrive span's own, so the copy starts a new (linked) trace. */
const TRACE_HEADERS = new Set(['traceparent', 'tracestate']);

/**
 * Facts about the previous failure (RabbitMQ's x-death family, Spring's kafka_dlt-*, Kafka Connect's
 * __connect.errors.*, the SDK helper's causeway-dl-*). Left on the copy, the origin's consumer would
 * take the redriven message for a dead letter read from a dead-letter queue and record it as one.
 * The dead-letter record and the audit log keep that history instead.
 */
const PROVENANCE_EXACT = new Set(['x-death', 'x-delivery-count']);
const PROVENANCE_PREFIXES = ['x-first-death-', 'x-last-death-', 'kafka_dlt-', '__connect.errors.', 'causeway-dl-'];

/** Headers the redrive sets itself (stale values from an earlier redrive are dropped with them). */
const SET_BY_REDRIVE = new Set([HEADER_EVENT_ID, HEADER_REDRIVE_OF, HEADER_REDRIVE_COUNT]);

/** Whether a header of the dead-letter copy is carried over to the redriven copy. */
export function keepsHeader(name: string): boolean {
  const lower = name.toLowerCase();
  if (TRACE_HEADERS.has(lower) || PROVENANCE_EXACT.has(lower) || SET_BY_REDRIVE.has(lower)) return false;
  return !PROVENANCE_PREFIXES.some((prefix) => lower.startsWith(prefix));
}

/** A header value as text: strings, Buffers and numbers; the first usable item of an array. */
export function headerValueText(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw;
  if (Buffer.isBuffer(raw)) return raw.toString('utf8');
  if (raw instanceof Uint8Array) return Buffer.from(raw).toString('utf8');
  if (typeof raw === 'number' || typeof raw === 'bigint') return String(raw);
  if (Array.isArray(raw)) {
    for (const item of raw) {
      const text = headerValueText(item);
      if (text !== undefined) return text;
    }
  }
  return undefined;
}

/** Case-insensitive lookup: bridges and brokers may change the case of header names. */
export function findHeaderText(headers: Record<string, unknown> | undefined | null, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  const lower = name.toLowerCase();
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() === lower) return headerValueText(headers[key]);
  }
  return undefined;
}

/**
 * The event ids a dead-letter copy answers to: its `causeway-event-id`, the SDK helper's original
 * event id, and the broker's message id. A record matches when its eventId is among them.
 */
export function eventIdsOf(headers: Record<string, unknown> | undefined | null, messageId?: unknown): string[] {
  const ids: string[] = [];
  for (const id of [findHeaderText(headers, HEADER_EVENT_ID), findHeaderText(headers, HEADER_DL_ORIGINAL_EVENT_ID), typeof messageId === 'string' ? messageId : undefined]) {
    if (id !== undefined && id.length > 0 && !ids.includes(id)) ids.push(id);
  }
  return ids;
}
