/**
 * Reading trace context from message headers without ever throwing.
 *
 * Kafka header values arrive as Buffer, string, or an array of them (repeated keys); AMQP header
 * tables hold strings, Buffers, numbers or nested tables. Anything else, or anything too long, is
 * treated as absent so a bad producer cannot break a consumer.
 */
import type { TextMapGetter, TextMapSetter } from '@opentelemetry/api';

export const DEFAULT_MAX_HEADER_BYTES = 8192;

export type HeaderBag = Record<string, unknown>;

/** Outcome of decoding one header value: the text, or why it was refused. */
export type HeaderText = { ok: true; value: string } | { ok: false; reason: 'absent' | 'oversized' | 'invalid' };

/** Decode a single header value to text. Repeated keys (arrays) yield their first usable value. */
export function headerText(raw: unknown, maxBytes: number = DEFAULT_MAX_HEADER_BYTES): HeaderText {
  if (raw === undefined || raw === null) return { ok: false, reason: 'absent' };
  if (Array.isArray(raw)) {
    for (const item of raw) {
      const decoded = headerText(item, maxBytes);
      if (decoded.ok) return decoded;
    }
    return raw.length === 0 ? { ok: false, reason: 'absent' } : headerText(raw[0], maxBytes);
  }
  if (typeof raw === 'string') {
    return Buffer.byteLength(raw) > maxBytes ? { ok: false, reason: 'oversized' } : { ok: true, value: raw };
  }
  if (Buffer.isBuffer(raw) || raw instanceof Uint8Array) {
    if (raw.byteLength > maxBytes) return { ok: false, reason: 'oversized' };
    return { ok: true, value: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8') };
  }
  if (typeof raw === 'number' || typeof raw === 'bigint' || typeof raw === 'boolean') {
    return { ok: true, value: String(raw) };
  }
  return { ok: false, reason: 'invalid' };
}

/** Case-insensitive lookup, since brokers and bridges may change the case of header names. */
export function findHeader(headers: HeaderBag | undefined | null, name: string): unknown {
  if (!headers || typeof headers !== 'object') return undefined;
  if (Object.prototype.hasOwnProperty.call(headers, name)) return headers[name];
  // Runs for every absent header a consumer looks for (dead-letter conventions, trace context).
  // Keys of another length cannot match, so they are never lower-cased; for…in allocates no key array.
  const lower = name.toLowerCase();
  for (const key in headers) {
    if (key.length === lower.length && Object.prototype.hasOwnProperty.call(headers, key) && key.toLowerCase() === lower) return headers[key];
  }
  return undefined;
}

/**
 * True when some header name starts with one of `prefixes` (given in lower case), ignoring case.
 * One pass over the keys, no allocation: lets the readers of rare headers (dead-letter
 * conventions, retry provenance) skip the common message that carries none of them.
 */
export function hasHeaderWithPrefix(headers: HeaderBag | undefined | null, prefixes: readonly string[]): boolean {
  if (!headers || typeof headers !== 'object') return false;
  for (const key in headers) {
    if (!Object.prototype.hasOwnProperty.call(headers, key)) continue;
    for (const prefix of prefixes) if (startsWithIgnoringCase(key, prefix)) return true;
  }
  return false;
}

/** ASCII case folding is enough: every prefix looked for is ASCII. */
function startsWithIgnoringCase(text: string, lowerPrefix: string): boolean {
  if (text.length < lowerPrefix.length) return false;
  for (let i = 0; i < lowerPrefix.length; i++) {
    let code = text.charCodeAt(i);
    if (code >= 65 && code <= 90) code += 32;
    if (code !== lowerPrefix.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * A getter for `propagation.extract` over any header bag. It remembers the first header that was
 * refused so the caller can record why the incoming context was dropped.
 */
export class SafeHeaderGetter implements TextMapGetter<HeaderBag | undefined> {
  refused: { key: string; reason: 'oversized' | 'invalid' } | undefined;

  constructor(private readonly maxBytes: number = DEFAULT_MAX_HEADER_BYTES) {}

  keys(carrier: HeaderBag | undefined): string[] {
    return carrier && typeof carrier === 'object' ? Object.keys(carrier) : [];
  }

  get(carrier: HeaderBag | undefined, key: string): string | undefined {
    const decoded = headerText(findHeader(carrier, key), this.maxBytes);
    if (decoded.ok) return decoded.value;
    if (decoded.reason !== 'absent' && !this.refused) this.refused = { key, reason: decoded.reason };
    return undefined;
  }
}

/** Setter that never overwrites a header the user already set (their context wins). */
export const keepExistingSetter: TextMapSetter<HeaderBag> = {
  set(carrier, key, value) {
    if (findHeader(carrier, key) === undefined) carrier[key] = value;
  },
};

/** Header values as strings, for hooks and event-type lookup. */
export function headersAsText(headers: HeaderBag | undefined | null, maxBytes?: number): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  if (!headers || typeof headers !== 'object') return out;
  for (const key of Object.keys(headers)) {
    const decoded = headerText(headers[key], maxBytes);
    if (decoded.ok) out[key] = decoded.value;
  }
  return out;
}
