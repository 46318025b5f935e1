/**
 * Event identity and causality.
 *
 * Every published message carries an event id: the broker's message id when the user set one,
 * otherwise one the SDK generates and writes to the `causeway-event-id` header. While a consumer
 * processes a message, that message's event id sits in the active OpenTelemetry context, so any
 * message published from the handler records it as `causeway.event.parent_id`.
 */
import { randomUUID } from 'node:crypto';
import { context, createContextKey, type Context } from '@opentelemetry/api';
import { headerText, findHeader, headersAsText, type HeaderBag } from './headers.js';
import { HEADER_EVENT_ID, HEADER_EVENT_TYPE } from '../semconv.js';
import type { EventTypeOptions, MessageInfo } from '../types.js';

const CURRENT_EVENT_KEY = createContextKey('causeway.current_event_id');

/**
 * A UUIDv7 (RFC 9562): the time in milliseconds, then random bits, so ids made in a later
 * millisecond sort later. Every store keys records on event ids (events, deliveries, causal edges,
 * the spans' message-id index); random ids put each new record into a random page of each of those
 * indices, time-ordered ones append. Full SQLite ingest read ~11k spans/s with random (v4) ids
 * against 20–24k with v7 (docs/performance.md, thirteenth round).
 *
 * Made from a v4 UUID of node:crypto (pooled random bytes, ~0.1 µs), its first 48 bits replaced by
 * the time and its version digit by 7; the random bits within a millisecond are what RFC 9562 allows
 * (no counter). The uuid package's v7 draws its random bytes with `crypto.getRandomValues`, which
 * cost ~7.5 µs per id on Node 20: more than a few percent of what the SDK adds per message.
 */
export function newEventId(): string {
  const time = Date.now().toString(16).padStart(12, '0');
  // randomUUID(): xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx; keep what follows its version digit.
  return `${time.slice(0, 8)}-${time.slice(8)}-7${randomUUID().slice(15)}`;
}

/** The event id of the message being processed in `ctx` (default: the active context). */
export function currentEventId(ctx: Context = context.active()): string | undefined {
  const value = ctx.getValue(CURRENT_EVENT_KEY);
  return typeof value === 'string' ? value : undefined;
}

export function withEventId(ctx: Context, eventId: string | undefined): Context {
  return eventId ? ctx.setValue(CURRENT_EVENT_KEY, eventId) : ctx;
}

/** Event id found on a consumed message: the causeway header, else the broker's message id. */
export function eventIdFromHeaders(headers: HeaderBag | undefined | null, nativeId?: unknown, maxBytes?: number): string | undefined {
  const fromHeader = headerText(findHeader(headers, HEADER_EVENT_ID), maxBytes);
  if (fromHeader.ok && fromHeader.value.length > 0 && fromHeader.value.length <= 256) return fromHeader.value;
  if (typeof nativeId === 'string' && nativeId.length > 0) return nativeId;
  return undefined;
}

/** The event type: hook first, then the configured JSON field, then the header. Never throws. */
export function resolveEventType(options: EventTypeOptions | undefined, message: Omit<MessageInfo, 'headers'> & { headers: HeaderBag | undefined | null; nativeType?: unknown }, maxBytes?: number): string | undefined {
  if (options?.resolve) {
    try {
      const headers = headersAsText(message.headers, maxBytes);
      const resolved = options.resolve({ system: message.system, destination: message.destination, headers, body: message.body });
      if (typeof resolved === 'string' && resolved.length > 0) return resolved;
    } catch {
      // A faulty user hook must not break publishing or consuming.
    }
  }
  if (options?.field) {
    const fromBody = fieldFromJsonBody(message.body, options.field);
    if (fromBody) return fromBody;
  }
  // Only the one header is decoded (not the whole table, which only a hook needs). The name is
  // matched exactly, as the hook's view of the headers would.
  const fromHeader = ownHeaderText(message.headers, options?.header ?? HEADER_EVENT_TYPE, maxBytes);
  if (fromHeader) return fromHeader;
  if (typeof message.nativeType === 'string' && message.nativeType.length > 0) return message.nativeType;
  return undefined;
}

function ownHeaderText(headers: HeaderBag | undefined | null, name: string, maxBytes?: number): string | undefined {
  if (!headers || typeof headers !== 'object' || !Object.prototype.propertyIsEnumerable.call(headers, name)) return undefined;
  const decoded = headerText(headers[name], maxBytes);
  return decoded.ok ? decoded.value : undefined;
}

const MAX_BODY_PARSE_BYTES = 64 * 1024;

function fieldFromJsonBody(body: unknown, field: string): string | undefined {
  try {
    let parsed: unknown = body;
    if (Buffer.isBuffer(body)) {
      if (body.length > MAX_BODY_PARSE_BYTES) return undefined;
      parsed = JSON.parse(body.toString('utf8'));
    } else if (typeof body === 'string') {
      if (body.length > MAX_BODY_PARSE_BYTES) return undefined;
      parsed = JSON.parse(body);
    }
    if (parsed && typeof parsed === 'object') {
      const value = (parsed as Record<string, unknown>)[field];
      if (typeof value === 'string' && value.length > 0) return value;
    }
  } catch {
    // Not JSON: no type from the body.
  }
  return undefined;
}
