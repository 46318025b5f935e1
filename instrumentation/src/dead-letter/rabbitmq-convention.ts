/**
 * RabbitMQ's dead-letter facts, read from a message consumed off a dead-letter queue.
 *
 * The broker adds `x-death` (an array of tables, newest death first, one per (queue, reason), each
 * with a `count`), `x-first-death-queue/reason/exchange`, and quorum queues add `x-delivery-count`.
 * A producer can put anything in those headers, so every field is checked and at most 64 entries
 * are read. The older `causeway.dead_letter.count/reason/original_*` attributes stay with the
 * amqplib adapter (`amqplib/dead-letter.ts`); this adds the shared `causeway.dead_letter.*` record.
 */
import type { Attributes } from '@opentelemetry/api';
import { findHeader, type HeaderBag } from '../core/headers.js';
import {
  ATTR_CAUSEWAY_DELIVERY_COUNT,
  ATTR_CAUSEWAY_DL_ATTEMPTS,
  ATTR_CAUSEWAY_DL_CONVENTION,
  ATTR_CAUSEWAY_DL_FIRST_FAILURE_AT,
  ATTR_CAUSEWAY_DL_LAST_FAILURE_AT,
  ATTR_CAUSEWAY_DL_ORIGIN_DESTINATION,
  ATTR_CAUSEWAY_DL_ORIGIN_EXCHANGE,
  ATTR_CAUSEWAY_DL_ORIGIN_GROUP,
  ATTR_CAUSEWAY_DL_ORIGIN_ROUTING_KEYS,
} from '../semconv.js';
import { cappedText, headerInteger } from './header-values.js';

const MAX_ENTRIES = 64;
const MAX_ROUTING_KEYS = 16;
/** AMQP 0-9-1 names are at most 255 bytes. */
const MAX_AMQP_NAME_BYTES = 255;

interface DeathEntry {
  queue?: string;
  reason?: string;
  exchange?: string;
  routingKeys?: string[];
  count: number;
  /** Epoch ms. */
  time?: number;
}

/** `x-death` entries that parse, newest first. */
export function deathEntries(headers: HeaderBag | undefined | null): DeathEntry[] {
  const raw = findHeader(headers, 'x-death');
  if (!Array.isArray(raw)) return [];
  const entries: DeathEntry[] = [];
  for (const item of raw.slice(0, MAX_ENTRIES)) {
    if (!item || typeof item !== 'object' || Array.isArray(item) || item instanceof Uint8Array) continue;
    const table = item as Record<string, unknown>;
    const entry: DeathEntry = { count: headerInteger(table['count']) ?? 0 };
    const queue = name(table['queue']);
    const reason = name(table['reason']);
    const exchange = name(table['exchange'], true);
    const time = amqpTimestamp(table['time']);
    if (queue !== undefined) entry.queue = queue;
    if (reason !== undefined) entry.reason = reason;
    if (exchange !== undefined) entry.exchange = exchange;
    if (time !== undefined) entry.time = time;
    const keys = table['routing-keys'];
    if (Array.isArray(keys)) {
      entry.routingKeys = keys.slice(0, MAX_ROUTING_KEYS).map((key) => name(key, true)).filter((key): key is string => key !== undefined);
    }
    entries.push(entry);
  }
  return entries;
}

/** Deaths of the message from `queue` (all reasons): failed passes through that queue. */
export function deathsFromQueue(headers: HeaderBag | undefined | null, queue: string): number {
  let total = 0;
  for (const entry of deathEntries(headers)) if (entry.queue === queue) total += entry.count;
  return total;
}

/** The RabbitMQ dead-letter record of a consumed message, or an empty object when it was never dead-lettered. */
export function rabbitmqDeadLetterAttributes(headers: HeaderBag | undefined | null): Attributes {
  const attributes: Attributes = {};
  const deliveryCount = headerInteger(findHeader(headers, 'x-delivery-count'));
  if (deliveryCount !== undefined) attributes[ATTR_CAUSEWAY_DELIVERY_COUNT] = deliveryCount;

  const entries = deathEntries(headers);
  const newest = entries[0];
  const firstQueue = name(findHeader(headers, 'x-first-death-queue'));
  if (!newest && firstQueue === undefined) return attributes;

  attributes[ATTR_CAUSEWAY_DL_CONVENTION] = 'rabbitmq';
  const originQueue = newest?.queue ?? firstQueue;
  if (originQueue !== undefined) {
    attributes[ATTR_CAUSEWAY_DL_ORIGIN_DESTINATION] = originQueue;
    // Causeway treats a queue as the consumer group of its consumers (see amqplib/delivery.ts).
    attributes[ATTR_CAUSEWAY_DL_ORIGIN_GROUP] = originQueue;
  }
  const exchange = newest?.exchange ?? name(findHeader(headers, 'x-first-death-exchange'), true);
  if (exchange !== undefined) attributes[ATTR_CAUSEWAY_DL_ORIGIN_EXCHANGE] = exchange;
  if (newest?.routingKeys && newest.routingKeys.length > 0) attributes[ATTR_CAUSEWAY_DL_ORIGIN_ROUTING_KEYS] = newest.routingKeys;

  // Failed passes through the origin queue: its deaths there, or for a quorum queue's delivery
  // limit, the deliveries the broker counted (x-delivery-count counts redeliveries, so +1).
  const deaths = originQueue === undefined ? 0 : entries.filter((entry) => entry.queue === originQueue).reduce((sum, entry) => sum + entry.count, 0);
  const attempts = Math.max(deaths, deliveryCount !== undefined ? deliveryCount + 1 : 0, 1);
  attributes[ATTR_CAUSEWAY_DL_ATTEMPTS] = attempts;

  const times = entries.map((entry) => entry.time).filter((time): time is number => time !== undefined);
  if (times.length > 0) {
    attributes[ATTR_CAUSEWAY_DL_FIRST_FAILURE_AT] = Math.min(...times);
    attributes[ATTR_CAUSEWAY_DL_LAST_FAILURE_AT] = Math.max(...times);
  }
  return attributes;
}

/** Names are strings (or Buffers for longstr); the default exchange is the empty name. */
function name(raw: unknown, allowEmpty = false): string | undefined {
  if (typeof raw !== 'string' && !(raw instanceof Uint8Array)) return undefined;
  if (typeof raw === 'string' && raw.length === 0) return allowEmpty ? '' : undefined;
  const text = cappedText(raw, MAX_AMQP_NAME_BYTES);
  return text ?? (allowEmpty && typeof raw !== 'string' && raw.byteLength === 0 ? '' : undefined);
}

/** amqplib decodes AMQP timestamps (seconds) as `{ '!': 'timestamp', value }`; other bridges may pass numbers or Dates. */
function amqpTimestamp(raw: unknown): number | undefined {
  let value: unknown = raw;
  if (raw instanceof Date) return Number.isFinite(raw.getTime()) ? raw.getTime() : undefined;
  if (raw && typeof raw === 'object' && !(raw instanceof Uint8Array)) value = (raw as { value?: unknown }).value;
  const integer = headerInteger(value);
  if (integer === undefined || integer <= 0) return undefined;
  return integer < 1e11 ? integer * 1000 : integer;
}
