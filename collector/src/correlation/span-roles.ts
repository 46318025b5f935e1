/**
 * What a span means for messaging, read from the OpenTelemetry messaging semantic conventions
 * (plus the older attribute names still emitted by many instrumentations) and Causeway's own
 * attributes. Only reads the span: no other span is needed to answer these questions.
 */
import { numberAttr, stringAttr, type SpanRecord } from '../model/span.js';

/**
 * - `producer`: the span that published one message (an event).
 * - `consumer`: a process or receive span: one consumer's handling of one or more messages.
 * - `settle`: an ack/nack/reject of a consumed message.
 * - `other`: anything else (HTTP, database, internal...).
 */
export type MessagingRole = 'producer' | 'consumer' | 'settle' | 'other';

const PRODUCER_OPERATIONS = new Set(['send', 'publish', 'create']);
const CONSUMER_OPERATIONS = new Set(['process', 'receive', 'deliver']);
const SETTLE_OPERATIONS = new Set(['settle']);

/**
 * `messaging.operation.type` (semconv ≥ 1.26), else `messaging.operation` (older semconv, where it
 * held the same values: publish, receive, process).
 */
export function operationType(span: SpanRecord): string | undefined {
  const value = stringAttr(span.attributes, 'messaging.operation.type') ?? stringAttr(span.attributes, 'messaging.operation');
  return value?.toLowerCase();
}

/**
 * The operation type decides when present, because settle and receive spans are often CLIENT
 * spans and some instrumentations mark batch sends as CLIENT too. The span kind decides otherwise.
 */
export function messagingRole(span: SpanRecord): MessagingRole {
  const operation = operationType(span);
  if (operation !== undefined) {
    if (SETTLE_OPERATIONS.has(operation)) return 'settle';
    if (PRODUCER_OPERATIONS.has(operation)) return 'producer';
    if (CONSUMER_OPERATIONS.has(operation)) return 'consumer';
  }
  if (span.kind === 'producer') return 'producer';
  if (span.kind === 'consumer') return 'consumer';
  return 'other';
}

export function messageId(span: SpanRecord): string | undefined {
  return stringAttr(span.attributes, 'messaging.message.id');
}

export function messagingSystem(span: SpanRecord): string | undefined {
  return stringAttr(span.attributes, 'messaging.system');
}

/** `messaging.destination.name`, else the pre-1.17 `messaging.destination`. */
export function destinationName(span: SpanRecord): string | undefined {
  return stringAttr(span.attributes, 'messaging.destination.name') ?? stringAttr(span.attributes, 'messaging.destination');
}

/** `messaging.consumer.group.name`, else the older Kafka-specific `messaging.kafka.consumer.group`. */
export function consumerGroup(span: SpanRecord): string | undefined {
  return stringAttr(span.attributes, 'messaging.consumer.group.name') ?? stringAttr(span.attributes, 'messaging.kafka.consumer.group');
}

/**
 * The business event type: Causeway's `causeway.event.type`, else the CloudEvents semantic
 * convention `cloudevents.event_type` (what plain SDKs emitting CloudEvents record). Nothing else
 * is guessed: span names and destinations are not event types.
 */
export function eventType(span: SpanRecord): string | undefined {
  return stringAttr(span.attributes, 'causeway.event.type') ?? stringAttr(span.attributes, 'cloudevents.event_type');
}

export function causalParentId(span: SpanRecord): string | undefined {
  return stringAttr(span.attributes, 'causeway.event.parent_id');
}

/**
 * `causeway.settle.operation`: the settlement recorded on the process span itself (the Causeway
 * amqplib adapter's default, instead of a separate settle span).
 */
export function recordedSettleOperation(span: SpanRecord): string | undefined {
  return stringAttr(span.attributes, 'causeway.settle.operation')?.toLowerCase();
}

/**
 * The settlement a span records: `causeway.settle.operation` on a process span that carries it,
 * else (settle spans) `messaging.operation.name` (ack, nack, reject, ...), else the first word of
 * the span name (semconv names settle spans `<operation> <destination>`).
 */
export function settleOperation(span: SpanRecord): string {
  const recorded = recordedSettleOperation(span);
  if (recorded !== undefined) return recorded;
  const name = stringAttr(span.attributes, 'messaging.operation.name') ?? span.name.split(' ')[0] ?? '';
  return name.toLowerCase();
}

/** `causeway.settle.requeue`: true when the broker was asked to put the message back. */
export function settleRequeue(span: SpanRecord): boolean | undefined {
  const value = span.attributes['causeway.settle.requeue'];
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}

/** Publish time as the consumer saw it (e.g. the Kafka record timestamp), epoch ms. */
export function publishedAtHint(span: SpanRecord): number | undefined {
  return numberAttr(span.attributes, 'causeway.message.published_at_ms');
}

export function timeInQueueHint(span: SpanRecord): number | undefined {
  return numberAttr(span.attributes, 'causeway.message.time_in_queue_ms');
}

/** Copy the listed attributes that are present; records keep a few useful ones, not all. */
export function pickAttributes(span: SpanRecord, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const value = span.attributes[key];
    if (value !== undefined && value !== null && value !== '') out[key] = value;
  }
  return out;
}
