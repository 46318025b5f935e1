/** Span attributes derived from kafkajs messages, shared by the send and process sides. */
import type { Attributes } from '@opentelemetry/api';
import {
  ATTR_MESSAGING_CLIENT_ID,
  ATTR_MESSAGING_KAFKA_MESSAGE_KEY,
  ATTR_MESSAGING_KAFKA_MESSAGE_TOMBSTONE,
  ATTR_MESSAGING_MESSAGE_BODY_SIZE,
  ATTR_MESSAGING_SYSTEM,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  MESSAGING_SYSTEM_KAFKA,
} from '../semconv.js';
import type { ClientEndpoint } from './endpoint.js';

/** Keys longer than this are not copied onto spans (they would bloat every span of the topic). */
const MAX_KEY_ATTRIBUTE_BYTES = 256;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The message key as text, when it is text: binary keys (e.g. Avro, ints) are left off. */
export function keyAsText(key: unknown): string | undefined {
  if (typeof key === 'string') return key.length <= MAX_KEY_ATTRIBUTE_BYTES ? key : undefined;
  if (key instanceof Uint8Array) {
    if (key.byteLength === 0 || key.byteLength > MAX_KEY_ATTRIBUTE_BYTES) return undefined;
    try {
      const text = strictUtf8.decode(key);
      // Control characters mean a binary encoding that happens to be valid UTF-8.
      return /[\u0000-\u0008\u000e-\u001f]/.test(text) ? undefined : text;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export function bodySize(value: unknown): number | undefined {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (value instanceof Uint8Array) return value.byteLength;
  return undefined;
}

/** Attributes every Kafka span carries: system, broker, client id, key, body size, tombstone. */
export function messageAttributes(endpoint: ClientEndpoint, message: { key?: unknown; value?: unknown }): Attributes {
  const attributes: Attributes = { [ATTR_MESSAGING_SYSTEM]: MESSAGING_SYSTEM_KAFKA };
  if (endpoint.serverAddress) attributes[ATTR_SERVER_ADDRESS] = endpoint.serverAddress;
  if (endpoint.serverPort) attributes[ATTR_SERVER_PORT] = endpoint.serverPort;
  if (endpoint.clientId) attributes[ATTR_MESSAGING_CLIENT_ID] = endpoint.clientId;
  const key = keyAsText(message.key);
  if (key !== undefined) attributes[ATTR_MESSAGING_KAFKA_MESSAGE_KEY] = key;
  if (message.value === null) attributes[ATTR_MESSAGING_KAFKA_MESSAGE_TOMBSTONE] = true;
  const size = bodySize(message.value);
  if (size !== undefined) attributes[ATTR_MESSAGING_MESSAGE_BODY_SIZE] = size;
  return attributes;
}

/** Kafka offsets and timestamps travel as decimal strings; spans want numbers. */
export function toFiniteNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value)) {
    const parsed = Number(value);
    return Number.isSafeInteger(parsed) ? parsed : undefined;
  }
  return undefined;
}
