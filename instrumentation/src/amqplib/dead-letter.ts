/**
 * Makes dead-lettering visible on the consumer span of a dead-letter queue.
 *
 * RabbitMQ adds an `x-death` header (an array of tables, most recent death first, one entry per
 * queue and reason, each with a `count`) when it dead-letters a message, and since 3.8 also
 * `x-first-death-reason/queue/exchange`. The values come from the broker, but a producer can put
 * anything in those headers, so every field is checked and the array is read only partially.
 */
import type { Attributes } from '@opentelemetry/api';
import { findHeader, hasHeaderWithPrefix, headerText, type HeaderBag } from '../core/headers.js';
import {
  ATTR_CAUSEWAY_DEATH_COUNT,
  ATTR_CAUSEWAY_DEATH_EXCHANGE,
  ATTR_CAUSEWAY_DEATH_FIRST_EXCHANGE,
  ATTR_CAUSEWAY_DEATH_FIRST_QUEUE,
  ATTR_CAUSEWAY_DEATH_FIRST_REASON,
  ATTR_CAUSEWAY_DEATH_QUEUE,
  ATTR_CAUSEWAY_DEATH_REASON,
} from '../semconv.js';
import { isObject } from './shapes.js';

/** Entries beyond this are ignored: a real x-death has one per (queue, reason) pair. */
const MAX_ENTRIES = 64;
/** Queue, exchange and reason names are at most 255 bytes in AMQP 0-9-1. */
const MAX_NAME_BYTES = 255;

/**
 * `causeway.dead_letter.count` is the SUM of the `count` of every x-death entry: how many times
 * the message was dead-lettered in total, across queues and reasons (a retry loop through a
 * delay queue shows up as a growing count). Reason, queue and exchange come from the FIRST entry,
 * i.e. the most recent death; `x-first-death-*` fill them in when x-death is absent and are also
 * recorded as `causeway.dead_letter.first_*`.
 */
export function deadLetterAttributes(headers: HeaderBag | undefined | null): Attributes {
  const attributes: Attributes = {};
  // Every header read below starts with one of these; most messages carry none.
  if (!hasHeaderWithPrefix(headers, ['x-death', 'x-first-death-'])) return attributes;
  const xDeath = findHeader(headers, 'x-death');
  if (Array.isArray(xDeath) && xDeath.length > 0) {
    let total = 0;
    for (const entry of xDeath.slice(0, MAX_ENTRIES)) {
      if (isObject(entry)) total += countOf(entry['count']);
    }
    if (total > 0) attributes[ATTR_CAUSEWAY_DEATH_COUNT] = total;
    const latest = xDeath[0];
    if (isObject(latest)) {
      setName(attributes, ATTR_CAUSEWAY_DEATH_REASON, latest['reason']);
      setName(attributes, ATTR_CAUSEWAY_DEATH_QUEUE, latest['queue']);
      setName(attributes, ATTR_CAUSEWAY_DEATH_EXCHANGE, latest['exchange']);
    }
  }

  setName(attributes, ATTR_CAUSEWAY_DEATH_FIRST_REASON, findHeader(headers, 'x-first-death-reason'));
  setName(attributes, ATTR_CAUSEWAY_DEATH_FIRST_QUEUE, findHeader(headers, 'x-first-death-queue'));
  setName(attributes, ATTR_CAUSEWAY_DEATH_FIRST_EXCHANGE, findHeader(headers, 'x-first-death-exchange'));
  fallBack(attributes, ATTR_CAUSEWAY_DEATH_REASON, ATTR_CAUSEWAY_DEATH_FIRST_REASON);
  fallBack(attributes, ATTR_CAUSEWAY_DEATH_QUEUE, ATTR_CAUSEWAY_DEATH_FIRST_QUEUE);
  fallBack(attributes, ATTR_CAUSEWAY_DEATH_EXCHANGE, ATTR_CAUSEWAY_DEATH_FIRST_EXCHANGE);
  // Dead-lettered at least once even when the broker sent no x-death table.
  if (attributes[ATTR_CAUSEWAY_DEATH_COUNT] === undefined && attributes[ATTR_CAUSEWAY_DEATH_FIRST_REASON] !== undefined) {
    attributes[ATTR_CAUSEWAY_DEATH_COUNT] = 1;
  }
  return attributes;
}

/** amqplib decodes AMQP longs as numbers; other clients' bridges may hand over bigint or text. */
function countOf(value: unknown): number {
  const count = typeof value === 'bigint' ? Number(value) : typeof value === 'string' ? Number(value) : value;
  return typeof count === 'number' && Number.isSafeInteger(count) && count > 0 ? count : 0;
}

function setName(attributes: Attributes, key: string, raw: unknown): void {
  // Names are strings (or Buffers for longstr); numbers or tables here are not names.
  if (typeof raw !== 'string' && !Buffer.isBuffer(raw)) return;
  const decoded = headerText(raw, MAX_NAME_BYTES);
  if (decoded.ok) attributes[key] = decoded.value;
}

function fallBack(attributes: Attributes, key: string, from: string): void {
  if (attributes[key] === undefined && attributes[from] !== undefined) attributes[key] = attributes[from];
}
