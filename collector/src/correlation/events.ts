/**
 * Events: one per published message, derived from its producer span alone.
 */
import { numberAttr, spanKey, type SpanRecord } from '../model/span.js';
import type { EventRecord } from '../store/store.js';
import type { SpanIndex } from './span-index.js';
import { destinationName, eventType, messageId, messagingRole, messagingSystem, operationType, pickAttributes } from './span-roles.js';

/** Producer-span attributes worth keeping on the event (the span itself stays queryable by trace). */
const EVENT_ATTRIBUTES = [
  'messaging.message.id',
  'messaging.message.conversation_id',
  'messaging.message.body.size',
  'messaging.destination.partition.id',
  'messaging.kafka.message.key',
  'messaging.kafka.offset',
  'messaging.rabbitmq.destination.routing_key',
  'messaging.client.id',
  'server.address',
  'error.type',
  'causeway.event.parent_id',
] as const;

/** `messaging.message.id` when the producer recorded one, else `<traceId>-<spanId>` of the producer span. */
export function eventIdOf(producer: SpanRecord): string {
  return messageId(producer) ?? spanKey(producer.traceId, producer.spanId);
}

/**
 * A `send` span that carries `messaging.batch.message_count` and links (to the per-message
 * `create` spans, as the semantic conventions describe batch publishing) publishes a batch: the
 * events are the create spans, not the send. Decided from the span alone so the answer never
 * changes when the linked spans arrive later.
 */
export function isBatchSend(span: SpanRecord): boolean {
  return (
    operationType(span) === 'send' &&
    messageId(span) === undefined &&
    span.links.length > 0 &&
    numberAttr(span.attributes, 'messaging.batch.message_count') !== undefined
  );
}

/** True for spans that stand for one published message. */
export function isEventProducer(span: SpanRecord): boolean {
  return messagingRole(span) === 'producer' && !isBatchSend(span);
}

/**
 * The event of a producer span, or undefined when the span is not an event producer or when
 * another loaded span with the same message id is the event's canonical publish.
 */
export function deriveEvent(producer: SpanRecord, index: SpanIndex): EventRecord | undefined {
  if (!isEventProducer(producer)) return undefined;
  const id = eventIdOf(producer);
  const canonical = messageId(producer) !== undefined ? index.canonicalProducer(id) : producer;
  if (canonical && (canonical.traceId !== producer.traceId || canonical.spanId !== producer.spanId)) return undefined;

  const attributes = pickAttributes(producer, EVENT_ATTRIBUTES);
  attributes['span.name'] = producer.name;
  if (producer.statusCode === 'error' && producer.statusMessage) attributes['status.message'] = producer.statusMessage;

  const event: EventRecord = {
    id,
    producerService: producer.service,
    traceId: producer.traceId,
    spanId: producer.spanId,
    publishedAt: producer.startTime,
    sendDurationMs: producer.durationMs,
    sendError: producer.statusCode === 'error',
    attributes,
  };
  const type = eventType(producer);
  if (type !== undefined) event.type = type;
  const system = messagingSystem(producer);
  if (system !== undefined) event.system = system;
  const destination = destinationName(producer);
  if (destination !== undefined) event.destination = destination;
  return event;
}
