/**
 * Opt-in payload capture. Redaction happens here, before an attribute is set, so a secret never
 * reaches a span, an exporter queue or the collector. With capture off nothing is recorded.
 *
 * JSON bodies are parsed and the values of matching keys replaced at any depth; other bodies are
 * kept only when they are valid UTF-8 text; binary bodies are left out, saying why. A body that
 * looks like JSON but cannot be parsed (or is too big to parse) is left out too: its keys could
 * not be redacted.
 */
import type { Attributes } from '@opentelemetry/api';
import { guard } from '../core/guard.js';
import type { HeaderBag } from '../core/headers.js';
import {
  ATTR_CAUSEWAY_MESSAGE_HEADERS,
  ATTR_CAUSEWAY_MESSAGE_PAYLOAD,
  ATTR_CAUSEWAY_MESSAGE_PAYLOAD_OMITTED_REASON,
  ATTR_CAUSEWAY_MESSAGE_PAYLOAD_TRUNCATED,
} from '../semconv.js';
import type { PayloadCaptureOptions } from '../types.js';
import { truncateUtf8 } from './header-values.js';

export const REDACTED = '[REDACTED]';
export const DEFAULT_PAYLOAD_MAX_BYTES = 4096;
/** Header names redacted by default (case-insensitive; `*` matches any run of characters). */
export const DEFAULT_REDACT_HEADERS: readonly string[] = ['authorization', 'cookie', 'set-cookie', '*token*', '*secret*', '*password*', '*api-key*'];
/** JSON keys redacted by default, at any depth (same matching as header names). */
export const DEFAULT_REDACT_JSON_KEYS: readonly string[] = [
  '*password*',
  '*secret*',
  '*token*',
  'apiKey',
  'api_key',
  'authorization',
  'creditCard',
  'card_number',
  'ssn',
  'email',
];

/** Bodies past this are not parsed for redaction (and so not captured when they look like JSON). */
const MAX_PARSE_BYTES = 1024 * 1024;
const MAX_DEPTH = 32;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Capture settings with patterns compiled once. */
export interface PayloadCapture {
  maxBytes: number;
  redactHeader(name: string): boolean;
  redactJsonKey(key: string): boolean;
}

const compiled = new WeakMap<object, PayloadCapture>();

/** Settings for the option value, or undefined when capture is off. */
export function resolvePayloadCapture(option: boolean | PayloadCaptureOptions | undefined): PayloadCapture | undefined {
  if (!option) return undefined;
  const options: PayloadCaptureOptions = option === true ? {} : option;
  if (typeof options !== 'object') return undefined;
  const cached = compiled.get(options);
  if (cached) return cached;
  const maxBytes = typeof options.maxBytes === 'number' && Number.isFinite(options.maxBytes) && options.maxBytes > 0 ? Math.floor(options.maxBytes) : DEFAULT_PAYLOAD_MAX_BYTES;
  const headerMatchers = matchers(options.redactHeaders ?? DEFAULT_REDACT_HEADERS);
  const keyMatchers = matchers(options.redactJsonKeys ?? DEFAULT_REDACT_JSON_KEYS);
  const capture: PayloadCapture = {
    maxBytes,
    redactHeader: (name) => headerMatchers.some((match) => match(name)),
    redactJsonKey: (key) => keyMatchers.some((match) => match(key)),
  };
  compiled.set(options, capture);
  return capture;
}

/** `CAUSEWAY_CAPTURE_PAYLOAD=1` (or `true`) turns capture on with the defaults, for zero-code setups. */
export function payloadCaptureFromEnvironment(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env['CAUSEWAY_CAPTURE_PAYLOAD']?.trim().toLowerCase();
  return value === '1' || value === 'true' || value === 'yes' || value === 'on';
}

/** The payload and header attributes for one message; empty when capture is off. Never throws. */
export function payloadAttributes(capture: PayloadCapture | undefined, headers: HeaderBag | undefined | null, body: unknown): Attributes {
  if (!capture) return {};
  return guard('payload capture', () => captureAttributes(capture, headers, body)) ?? {};
}

function captureAttributes(capture: PayloadCapture, headers: HeaderBag | undefined | null, body: unknown): Attributes {
  const attributes: Attributes = {};
  if (headers && typeof headers === 'object') {
    const redacted: Record<string, unknown> = {};
    for (const key of Object.keys(headers)) redacted[key] = capture.redactHeader(key) ? REDACTED : jsonSafe(headers[key], 0);
    attributes[ATTR_CAUSEWAY_MESSAGE_HEADERS] = truncateUtf8(JSON.stringify(redacted), capture.maxBytes);
  }
  const text = bodyText(body);
  if (text === undefined) return attributes;
  if (text.kind === 'omitted') {
    attributes[ATTR_CAUSEWAY_MESSAGE_PAYLOAD_OMITTED_REASON] = text.reason;
    return attributes;
  }
  let captured = text.value;
  const trimmed = captured.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    if (text.bytes > MAX_PARSE_BYTES) {
      attributes[ATTR_CAUSEWAY_MESSAGE_PAYLOAD_OMITTED_REASON] = 'too_large_to_redact';
      return attributes;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(captured);
    } catch {
      attributes[ATTR_CAUSEWAY_MESSAGE_PAYLOAD_OMITTED_REASON] = 'unparseable_json';
      return attributes;
    }
    captured = JSON.stringify(redactJson(parsed, capture, 0));
  }
  const capped = truncateUtf8(captured, capture.maxBytes);
  attributes[ATTR_CAUSEWAY_MESSAGE_PAYLOAD] = capped;
  attributes[ATTR_CAUSEWAY_MESSAGE_PAYLOAD_TRUNCATED] = capped.length < captured.length;
  return attributes;
}

type BodyText = { kind: 'text'; value: string; bytes: number } | { kind: 'omitted'; reason: 'binary' };

function bodyText(body: unknown): BodyText | undefined {
  if (typeof body === 'string') return { kind: 'text', value: body, bytes: Buffer.byteLength(body) };
  if (!(body instanceof Uint8Array)) return undefined;
  if (body.byteLength > MAX_PARSE_BYTES * 4) return { kind: 'omitted', reason: 'binary' };
  try {
    const value = strictUtf8.decode(body);
    // Control characters mean a binary encoding that happens to be valid UTF-8 (Avro, protobuf).
    if (/[\u0000-\u0008\u000e-\u001f]/.test(value)) return { kind: 'omitted', reason: 'binary' };
    return { kind: 'text', value, bytes: body.byteLength };
  } catch {
    return { kind: 'omitted', reason: 'binary' };
  }
}

function redactJson(value: unknown, capture: PayloadCapture, depth: number): unknown {
  // Deeper than this is pathological; cutting it off is safer than recursing on.
  if (depth > MAX_DEPTH) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => redactJson(item, capture, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[key] = capture.redactJsonKey(key) ? REDACTED : redactJson(inner, capture, depth + 1);
    return out;
  }
  return value;
}

/** Header values as JSON: text as text, binary described by size, AMQP tables (x-death) as tables. */
function jsonSafe(value: unknown, depth: number): unknown {
  if (value === null || value === undefined || typeof value === 'boolean' || typeof value === 'number') return value ?? null;
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) {
    try {
      return strictUtf8.decode(value);
    } catch {
      return `<${value.byteLength} bytes>`;
    }
  }
  if (depth >= 4) return '<nested>';
  if (Array.isArray(value)) return value.slice(0, 64).map((item) => jsonSafe(item, depth + 1));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).slice(0, 64)) out[key] = jsonSafe((value as Record<string, unknown>)[key], depth + 1);
    return out;
  }
  return String(value);
}

function matchers(patterns: readonly (string | RegExp)[]): Array<(name: string) => boolean> {
  const out: Array<(name: string) => boolean> = [];
  for (const pattern of Array.isArray(patterns) ? patterns : []) {
    if (pattern instanceof RegExp) {
      // A copy without the g/y flags: `test` on those is stateful.
      const regex = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
      out.push((name) => regex.test(name));
    } else if (typeof pattern === 'string' && pattern.length > 0) {
      const source = pattern
        .split('*')
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*');
      const regex = new RegExp(`^${source}$`, 'i');
      out.push((name) => regex.test(name));
    }
  }
  return out;
}
