/**
 * Decoding dead-letter header values written by other clients, without ever throwing.
 *
 * Spring Kafka writes partitions as 4-byte and offsets/timestamps as 8-byte big-endian integers;
 * Kafka Connect and hand-written producers write the same facts as decimal text. Both are read:
 * a value made only of ASCII digits is text (a binary int below 2^24 / 2^56 starts with a zero
 * byte, which is never a digit), otherwise a value of the exact binary width is an integer.
 */
import { headerText } from '../core/headers.js';

/** Caps applied to text copied from headers onto spans. */
export const MAX_ERROR_MESSAGE_BYTES = 1024;
export const MAX_STACKTRACE_BYTES = 8 * 1024;
export const MAX_NAME_BYTES = 512;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Header value as text (first of a repeated key), cut to `maxBytes` at a character boundary. Binary garbage is absent. */
export function cappedText(raw: unknown, maxBytes: number): string | undefined {
  // Reading is bounded separately from the cap: a huge stack trace is cut, not refused.
  const value = Array.isArray(raw) ? raw.find((item) => item !== undefined && item !== null) : raw;
  let text: string | undefined;
  if (typeof value === 'string') text = value.length > maxBytes * 4 ? value.slice(0, maxBytes * 4) : value;
  else if (value instanceof Uint8Array) {
    const bytes = value.byteLength > maxBytes * 4 ? value.subarray(0, maxBytes * 4) : value;
    try {
      text = strictUtf8.decode(bytes);
    } catch {
      // A cut in the middle of a character is fine; anything else is not text.
      const decoded = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
      text = value.byteLength > bytes.byteLength && !decoded.slice(0, -1).includes('\uFFFD') ? decoded.slice(0, -1) : undefined;
    }
  } else {
    const decoded = headerText(value, 64);
    text = decoded.ok ? decoded.value : undefined;
  }
  if (text === undefined || text.length === 0) return undefined;
  return truncateUtf8(text, maxBytes);
}

/** `text` cut to at most `maxBytes` UTF-8 bytes without splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  const bytes = Buffer.from(text, 'utf8').subarray(0, maxBytes);
  // Back off over continuation bytes so no character is split.
  let end = bytes.length;
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}

/** A non-negative integer from a number, bigint, decimal text or a 4/8-byte big-endian value. */
export function headerInteger(raw: unknown): number | undefined {
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value === 'bigint') return safe(value);
  if (typeof value === 'string') return decimal(value);
  if (!(value instanceof Uint8Array) || value.byteLength === 0 || value.byteLength > 20) return undefined;
  const bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (bytes.every((byte) => byte >= 0x30 && byte <= 0x39)) return decimal(bytes.toString('latin1'));
  if (bytes.length === 4) return safe(BigInt(bytes.readInt32BE(0)));
  if (bytes.length === 8) return safe(bytes.readBigInt64BE(0));
  return undefined;
}

/** Epoch milliseconds from an integer header (every convention read here writes milliseconds), or ISO text. */
export function headerTime(raw: unknown): number | undefined {
  const integer = headerInteger(raw);
  if (integer !== undefined) return integer > 0 ? integer : undefined;
  const text = cappedText(raw, 64);
  if (text === undefined) return undefined;
  const parsed = Date.parse(text);
  return Number.isFinite(parsed) && parsed > 0 ? parsed : undefined;
}

function decimal(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^\d{1,19}$/.test(trimmed)) return undefined;
  return safe(BigInt(trimmed));
}

function safe(value: bigint): number | undefined {
  return value >= 0n && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : undefined;
}
