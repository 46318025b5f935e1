/**
 * The process (push) or receive (pull) span of one consumed message, from delivery to settlement.
 *
 * The span is a child of the producer's span, carried in the message headers. It ends when both
 * the consume callback has finished (awaiting a returned promise) and an ack/nack/reject covering
 * the message was sent, so it measures the whole handling, including an ack that comes later from
 * a batching consumer. Without a settlement to wait for (`noAck`) it ends with the callback.
 */
import { SpanKind, trace, type Attributes, type Span } from '@opentelemetry/api';
import { eventIdFromHeaders, resolveEventType, withEventId } from '../core/event-identity.js';
import { extractMessageContext } from '../core/extract.js';
import { rememberMessageContext } from '../core/message-context.js';
import { recordSpanError } from '../core/span-errors.js';
import { rememberDeliveryFacts } from '../dead-letter/delivery-facts.js';
import { recordFailureFingerprint } from '../dead-letter/failure.js';
import { headerInteger } from '../dead-letter/header-values.js';
import { incomingDeadLetterAttributes } from '../dead-letter/incoming.js';
import { payloadAttributes, resolvePayloadCapture } from '../dead-letter/payload.js';
import { earlierAttemptsFor } from '../dead-letter/provenance.js';
import { deathsFromQueue } from '../dead-letter/rabbitmq-convention.js';
import { findHeader, type HeaderBag } from '../core/headers.js';
import {
  ATTR_CAUSEWAY_DELIVERY_ATTEMPT,
  ATTR_CAUSEWAY_CONTEXT_DROPPED_REASON,
  ATTR_CAUSEWAY_EVENT_TYPE,
  ATTR_CAUSEWAY_MESSAGE_PUBLISHED_AT,
  ATTR_CAUSEWAY_REDELIVERED,
  ATTR_CAUSEWAY_TIME_IN_QUEUE_MS,
  ATTR_CAUSEWAY_UNSETTLED_REASON,
  ATTR_MESSAGING_CONSUMER_GROUP_NAME,
  ATTR_MESSAGING_DESTINATION_ANONYMOUS,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_MESSAGE_BODY_SIZE,
  ATTR_MESSAGING_MESSAGE_CONVERSATION_ID,
  ATTR_MESSAGING_MESSAGE_ID,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_RABBITMQ_DELIVERY_TAG,
  ATTR_MESSAGING_RABBITMQ_ROUTING_KEY,
  ATTR_MESSAGING_SYSTEM,
  MESSAGING_SYSTEM_RABBITMQ,
  OPERATION_PROCESS,
  OPERATION_RECEIVE,
} from '../semconv.js';
import type { ChannelState } from './channel-state.js';
import { deadLetterAttributes } from './dead-letter.js';
import { consumeDestination, nameText, spanName } from './destination.js';
import { isObject, type AmqpMessage, type AmqpTelemetry, type Delivery } from './shapes.js';

export interface DeliveryStart {
  telemetry: AmqpTelemetry;
  state: ChannelState;
  message: AmqpMessage;
  /** The queue given to `consume`/`get`. */
  queue: string;
  /** `process` for consume (push), `receive` for get (pull). */
  operation: typeof OPERATION_PROCESS | typeof OPERATION_RECEIVE;
  /** The broker considers the message settled on delivery: no ack will come. */
  noAck: boolean;
  /** For `get`: when the application asked, before the broker answered. */
  startTime?: number;
}

export type UnsettledReason = 'channel_closed' | 'too_many_open';

export function startDelivery(start: DeliveryStart): Delivery {
  const { telemetry, state, message, queue, operation } = start;
  const properties = isObject(message.properties) ? message.properties : {};
  const fields = isObject(message.fields) ? message.fields : {};
  const headers = isObject(properties.headers) ? properties.headers : undefined;
  const maxBytes = telemetry.options.maxHeaderBytes;

  const extracted = extractMessageContext(headers, maxBytes);
  const eventId = eventIdFromHeaders(headers, properties.messageId, maxBytes);
  const routingKey = nameText(fields.routingKey);
  const destination = consumeDestination(nameText(fields.exchange), routingKey, queue);
  const deliveryTag = typeof fields.deliveryTag === 'number' ? fields.deliveryTag : undefined;

  const attributes: Attributes = {
    [ATTR_MESSAGING_SYSTEM]: MESSAGING_SYSTEM_RABBITMQ,
    [ATTR_MESSAGING_OPERATION_TYPE]: operation,
    [ATTR_MESSAGING_OPERATION_NAME]: operation,
    [ATTR_MESSAGING_DESTINATION_NAME]: destination.name,
    ...start.state.serverAttributes(),
    ...deadLetterAttributes(headers),
  };
  // Causeway treats the queue as the consumer group: every consumer of a queue competes for its
  // messages, exactly like the members of a Kafka consumer group.
  if (queue.length > 0) attributes[ATTR_MESSAGING_CONSUMER_GROUP_NAME] = queue;
  if (destination.anonymous) attributes[ATTR_MESSAGING_DESTINATION_ANONYMOUS] = true;
  if (routingKey.length > 0) attributes[ATTR_MESSAGING_RABBITMQ_ROUTING_KEY] = routingKey;
  if (deliveryTag !== undefined) attributes[ATTR_MESSAGING_RABBITMQ_DELIVERY_TAG] = deliveryTag;
  if (eventId !== undefined) attributes[ATTR_MESSAGING_MESSAGE_ID] = eventId;
  if (typeof properties.correlationId === 'string' && properties.correlationId.length > 0) {
    attributes[ATTR_MESSAGING_MESSAGE_CONVERSATION_ID] = properties.correlationId;
  }
  if (Buffer.isBuffer(message.content)) attributes[ATTR_MESSAGING_MESSAGE_BODY_SIZE] = message.content.length;
  // Only `true` is news: the broker flags every delivery, and every process span is exported.
  if (fields.redelivered === true) attributes[ATTR_CAUSEWAY_REDELIVERED] = true;
  Object.assign(attributes, publishTimeAttributes(properties.timestamp, Date.now()));
  if (extracted.droppedReason !== undefined) attributes[ATTR_CAUSEWAY_CONTEXT_DROPPED_REASON] = extracted.droppedReason;
  const eventType = resolveEventType(
    telemetry.options.eventType,
    { system: MESSAGING_SYSTEM_RABBITMQ, destination: destination.name, headers, body: message.content, nativeType: properties.type },
    maxBytes,
  );
  if (eventType !== undefined) attributes[ATTR_CAUSEWAY_EVENT_TYPE] = eventType;
  const hopAttempt = deliveriesHere(headers, fields.redelivered);
  attributes[ATTR_CAUSEWAY_DELIVERY_ATTEMPT] = earlierAttemptsFor(headers, queue) + deathsFromQueue(headers, queue) + hopAttempt;
  Object.assign(attributes, incomingDeadLetterAttributes(headers));
  Object.assign(attributes, payloadAttributes(resolvePayloadCapture(telemetry.options.capturePayload), headers, message.content));

  const span = telemetry
    .tracer()
    .startSpan(spanName(operation, destination), { kind: SpanKind.CONSUMER, attributes, startTime: start.startTime }, extracted.context);
  // Built on the extracted context (not the ambient one at delivery) so the producer's baggage
  // comes along and no stale event id from elsewhere leaks into the handler.
  const context = withEventId(trace.setSpan(extracted.context, span), eventId);
  rememberMessageContext(message, context);
  rememberDeliveryFacts(message, { origin: { destination: queue, group: queue }, hopAttempt });

  const delivery: Delivery = {
    span,
    context,
    deliveryTag,
    destination,
    queue,
    eventId,
    telemetry,
    handlerDone: operation === OPERATION_RECEIVE,
    // A delivery without a tag cannot be acked, so there is nothing to wait for.
    settled: start.noAck || deliveryTag === undefined,
    ended: false,
  };
  if (!delivery.settled && hasTag(delivery)) state.track(delivery);
  endIfComplete(delivery);
  return delivery;
}

/**
 * AMQP's `timestamp` property is set by the producer (never by RabbitMQ) and the spec says
 * seconds, but many applications pass `Date.now()`. Values past 10^11 cannot be seconds (year
 * 5138), so they are taken as milliseconds. Producer and consumer clocks may differ: a negative
 * wait is reported as 0.
 */
function publishTimeAttributes(timestamp: unknown, receivedAt: number): Attributes {
  if (typeof timestamp !== 'number' || !Number.isFinite(timestamp) || timestamp <= 0) return {};
  const publishedAt = timestamp > 1e11 ? timestamp : timestamp * 1000;
  return {
    [ATTR_CAUSEWAY_MESSAGE_PUBLISHED_AT]: publishedAt,
    [ATTR_CAUSEWAY_TIME_IN_QUEUE_MS]: Math.max(0, receivedAt - publishedAt),
  };
}

/**
 * Deliveries of this message from this queue since it last entered it: a quorum queue counts
 * returns in `x-delivery-count`; a classic queue only says whether it was redelivered (at least 2).
 * Passes through the queue that ended in a dead-lettering are added from x-death by the caller.
 */
function deliveriesHere(headers: HeaderBag | undefined, redelivered: unknown): number {
  const returned = headerInteger(findHeader(headers, 'x-delivery-count'));
  if (returned !== undefined) return returned + 1;
  return redelivered === true ? 2 : 1;
}

/** The consume callback returned (or its promise settled); `error` is what it threw. */
export function finishHandler(delivery: Delivery, failed: boolean, error?: unknown): void {
  if (failed && !delivery.ended) {
    recordError(delivery.span, error);
    recordFailureFingerprint(delivery.span, error);
  }
  delivery.handlerDone = true;
  endIfComplete(delivery);
}

/** An ack/nack/reject covering the delivery was sent to the broker. */
export function markSettled(delivery: Delivery): void {
  delivery.settled = true;
  endIfComplete(delivery);
}

/** Ends a delivery that will never see its settlement, saying why. */
export function endUnsettled(delivery: Delivery, reason: UnsettledReason): void {
  if (delivery.ended) return;
  delivery.span.setAttribute(ATTR_CAUSEWAY_UNSETTLED_REASON, reason);
  delivery.ended = true;
  delivery.span.end();
}

function hasTag(delivery: Delivery): delivery is Delivery & { deliveryTag: number } {
  return delivery.deliveryTag !== undefined;
}

function endIfComplete(delivery: Delivery): void {
  if (delivery.ended || !delivery.handlerDone || !delivery.settled) return;
  delivery.ended = true;
  delivery.span.end();
}

/**
 * Records a thrown value on a span without assuming it is an Error; the same way as every other
 * adapter, so `error.type` and the failure fingerprint agree across brokers.
 */
export function recordError(span: Span, error: unknown): void {
  recordSpanError(span, error);
}
