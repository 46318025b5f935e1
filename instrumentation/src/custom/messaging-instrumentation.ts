/**
 * `createMessagingInstrumentation`: the public adapter for brokers Causeway does not patch.
 *
 * It applies the same rules as the kafkajs and amqplib adapters (shared through `core/`): the
 * producer's context travels in W3C headers, every message carries an event id, the handler runs
 * with the consumed message's event id active so what it publishes records its causal parent,
 * and every hook is guarded so a telemetry failure never changes what the application sees.
 */
import { SpanKind, context, propagation, trace, type Attributes, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { currentEventId, eventIdFromHeaders, newEventId, resolveEventType, withEventId } from '../core/event-identity.js';
import { extractMessageContext } from '../core/extract.js';
import { guard } from '../core/guard.js';
import { findHeader, keepExistingSetter, type HeaderBag } from '../core/headers.js';
import { messageContext, rememberMessageContext } from '../core/message-context.js';
import { recordSpanError } from '../core/span-errors.js';
import { SDK_PACKAGE_NAME, SDK_VERSION } from '../core/version.js';
import { rememberDeliveryFacts } from '../dead-letter/delivery-facts.js';
import { recordFailureFingerprint } from '../dead-letter/failure.js';
import { incomingDeadLetterAttributes } from '../dead-letter/incoming.js';
import { payloadAttributes, resolvePayloadCapture } from '../dead-letter/payload.js';
import { earlierAttemptsFor } from '../dead-letter/provenance.js';
import {
  ATTR_CAUSEWAY_CONTEXT_DROPPED_REASON,
  ATTR_CAUSEWAY_DELIVERY_ATTEMPT,
  ATTR_CAUSEWAY_EVENT_PARENT_ID,
  ATTR_CAUSEWAY_EVENT_TYPE,
  ATTR_CAUSEWAY_MESSAGE_PUBLISHED_AT,
  ATTR_CAUSEWAY_REDELIVERED,
  ATTR_CAUSEWAY_SETTLE_REQUEUE,
  ATTR_CAUSEWAY_TIME_IN_QUEUE_MS,
  ATTR_MESSAGING_CONSUMER_GROUP_NAME,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_MESSAGE_BODY_SIZE,
  ATTR_MESSAGING_MESSAGE_ID,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  HEADER_EVENT_ID,
  OPERATION_PROCESS,
  OPERATION_SEND,
  OPERATION_SETTLE,
} from '../semconv.js';
import type {
  CustomMessagingOptions,
  IncomingDelivery,
  MessagingInstrumentation,
  OutgoingMessage,
  PublishContext,
  SettleOutcome,
} from './types.js';

/** Which delivery of the message this is (1 = first): defined in `semconv.ts`, re-exported for the public API. */
export { ATTR_CAUSEWAY_DELIVERY_ATTEMPT };

const INSTRUMENTATION_NAME = `${SDK_PACKAGE_NAME}/custom`;

/**
 * Instrument a broker client Causeway does not know, by wrapping its publish, consume and settle
 * calls. For example with NATS JetStream (`toNats` / `fromNats` convert header bags):
 *
 * ```ts
 * const messaging = createMessagingInstrumentation({ system: 'nats' });
 *
 * await messaging.publish('orders', { headers: { 'causeway-event-type': 'OrderPlaced' }, body }, ({ headers }) =>
 *   js.publish('orders', body, { headers: toNats(headers) }));
 *
 * for await (const msg of await consumer.consume()) {
 *   const delivery = { destination: msg.subject, group: 'billing', headers: fromNats(msg.headers), body: msg.data, attempt: msg.info.deliveryCount };
 *   try {
 *     await messaging.process(delivery, () => handle(msg)); // publishes in here record this message as their cause
 *     msg.ack();
 *     messaging.settle(delivery, 'ack');
 *   } catch {
 *     msg.nak();
 *     messaging.settle(delivery, 'nack', true);
 *   }
 * }
 * ```
 */
export function createMessagingInstrumentation(options: CustomMessagingOptions): MessagingInstrumentation {
  const system = options.system;
  let tracer: Tracer | undefined;
  // Resolved lazily: the global provider may be registered after the instrumentation is created.
  const getTracer = (): Tracer => (tracer ??= (options.tracerProvider ?? trace.getTracerProvider()).getTracer(INSTRUMENTATION_NAME, SDK_VERSION));
  const eventTypeOptions = options.eventType;
  const maxBytes = options.maxHeaderBytes;
  const capture = resolvePayloadCapture(options.capturePayload);

  const baseAttributes = (operationType: string, operationName: string, destination: string): Attributes => {
    const attributes: Attributes = {
      [ATTR_MESSAGING_SYSTEM]: system,
      [ATTR_MESSAGING_OPERATION_TYPE]: operationType,
      [ATTR_MESSAGING_OPERATION_NAME]: operationName,
      [ATTR_MESSAGING_DESTINATION_NAME]: destination,
    };
    if (options.serverAddress) attributes[ATTR_SERVER_ADDRESS] = options.serverAddress;
    if (options.serverPort !== undefined) attributes[ATTR_SERVER_PORT] = options.serverPort;
    return attributes;
  };
  const eventTypeOf = (destination: string, headers: HeaderBag | undefined, body: unknown): string | undefined =>
    resolveEventType(eventTypeOptions, { system, destination, headers, body }, maxBytes);

  function preparePublish(destination: string, message: OutgoingMessage): { span: Span; publish: PublishContext } {
    const headers: HeaderBag = { ...(message.headers ?? {}) };
    // A republished message keeps its identity; otherwise the caller's id; otherwise a new one.
    let eventId = eventIdFromHeaders(headers, message.id, maxBytes);
    if (eventId === undefined) eventId = newEventId();
    if (findHeader(headers, HEADER_EVENT_ID) === undefined) headers[HEADER_EVENT_ID] = eventId;

    const attributes = baseAttributes(OPERATION_SEND, OPERATION_SEND, destination);
    attributes[ATTR_MESSAGING_MESSAGE_ID] = eventId;
    const size = bodySize(message.body);
    if (size !== undefined) attributes[ATTR_MESSAGING_MESSAGE_BODY_SIZE] = size;
    const parent = context.active();
    const parentEventId = currentEventId(parent);
    if (parentEventId !== undefined && parentEventId !== eventId) attributes[ATTR_CAUSEWAY_EVENT_PARENT_ID] = parentEventId;
    const eventType = eventTypeOf(destination, headers, message.body);
    if (eventType !== undefined) attributes[ATTR_CAUSEWAY_EVENT_TYPE] = eventType;
    Object.assign(attributes, payloadAttributes(capture, message.headers, message.body));

    const span = getTracer().startSpan(`${OPERATION_SEND} ${destination}`, { kind: SpanKind.PRODUCER, attributes }, parent);
    // A traceparent the caller already set (a forwarded message) wins: the setter only adds.
    propagation.inject(trace.setSpan(parent, span), headers, keepExistingSetter);
    return { span, publish: { headers, eventId } };
  }

  function startProcess(delivery: IncomingDelivery): { span: Span; context: Context } {
    const headers = delivery.headers && typeof delivery.headers === 'object' ? delivery.headers : undefined;
    const extracted = extractMessageContext(headers, maxBytes);
    const eventId = eventIdFromHeaders(headers, delivery.id, maxBytes);
    const attributes = baseAttributes(OPERATION_PROCESS, OPERATION_PROCESS, delivery.destination);
    if (delivery.group) attributes[ATTR_MESSAGING_CONSUMER_GROUP_NAME] = delivery.group;
    if (eventId !== undefined) attributes[ATTR_MESSAGING_MESSAGE_ID] = eventId;
    const size = bodySize(delivery.body);
    if (size !== undefined) attributes[ATTR_MESSAGING_MESSAGE_BODY_SIZE] = size;
    if (delivery.redelivered !== undefined) attributes[ATTR_CAUSEWAY_REDELIVERED] = delivery.redelivered;
    // The broker's count for this copy, plus attempts a Causeway republish recorded for this group.
    const hopAttempt = delivery.attempt !== undefined && Number.isSafeInteger(delivery.attempt) && delivery.attempt > 0 ? delivery.attempt : 1;
    attributes[ATTR_CAUSEWAY_DELIVERY_ATTEMPT] = earlierAttemptsFor(headers, delivery.group) + hopAttempt;
    Object.assign(attributes, incomingDeadLetterAttributes(headers, delivery.publishedAtMs !== undefined ? { publishedAtMs: delivery.publishedAtMs } : {}));
    Object.assign(attributes, payloadAttributes(capture, headers, delivery.body));
    if (delivery.publishedAtMs !== undefined && Number.isFinite(delivery.publishedAtMs) && delivery.publishedAtMs > 0) {
      attributes[ATTR_CAUSEWAY_MESSAGE_PUBLISHED_AT] = delivery.publishedAtMs;
      // Producer and consumer clocks may differ: a negative wait is skew, reported as 0.
      attributes[ATTR_CAUSEWAY_TIME_IN_QUEUE_MS] = Math.max(0, Date.now() - delivery.publishedAtMs);
    }
    const eventType = eventTypeOf(delivery.destination, headers, delivery.body);
    if (eventType !== undefined) attributes[ATTR_CAUSEWAY_EVENT_TYPE] = eventType;
    if (extracted.droppedReason !== undefined) attributes[ATTR_CAUSEWAY_CONTEXT_DROPPED_REASON] = extracted.droppedReason;

    const span = getTracer().startSpan(`${OPERATION_PROCESS} ${delivery.destination}`, { kind: SpanKind.CONSUMER, attributes }, extracted.context);
    // Built on the extracted context, not the ambient one: no stale event id leaks into the handler.
    const handlerContext = withEventId(trace.setSpan(extracted.context, span), eventId);
    rememberMessageContext(delivery, handlerContext);
    rememberDeliveryFacts(delivery, { origin: { destination: delivery.destination, ...(delivery.group ? { group: delivery.group } : {}) }, hopAttempt });
    return { span, context: handlerContext };
  }

  return {
    publish<R>(destination: string, message: OutgoingMessage, send: (publish: PublishContext) => R): R {
      const prepared = guard('custom publish', () => preparePublish(destination, message));
      // Telemetry failed: the message goes out exactly as the caller gave it.
      if (!prepared) return send({ headers: { ...(message.headers ?? {}) }, eventId: undefined });
      let result: R;
      try {
        result = context.with(trace.setSpan(context.active(), prepared.span), () => send(prepared.publish));
      } catch (err) {
        endSpan(prepared.span, err);
        throw err;
      }
      if (!isPromiseLike(result)) {
        endSpan(prepared.span, undefined);
        return result;
      }
      return result.then(
        (value) => {
          endSpan(prepared.span, undefined);
          return value;
        },
        (err: unknown) => {
          endSpan(prepared.span, err ?? new Error('send rejected'));
          throw err;
        },
      ) as R;
    },

    async process<R>(delivery: IncomingDelivery, handler: () => R | Promise<R>): Promise<R> {
      const started = guard('custom process', () => startProcess(delivery));
      if (!started) return handler();
      try {
        const result = await context.with(started.context, handler);
        endSpan(started.span, undefined);
        return result;
      } catch (err) {
        const failure = err ?? new Error('handler failed');
        recordFailureFingerprint(started.span, failure);
        endSpan(started.span, failure);
        throw err;
      }
    },

    settle(delivery: IncomingDelivery, outcome: SettleOutcome, requeue = false): void {
      guard('custom settle', () => {
        const attributes = baseAttributes(OPERATION_SETTLE, outcome, delivery.destination);
        // An ack never requeues, whatever the caller passed.
        attributes[ATTR_CAUSEWAY_SETTLE_REQUEUE] = outcome !== 'ack' && requeue;
        if (delivery.group) attributes[ATTR_MESSAGING_CONSUMER_GROUP_NAME] = delivery.group;
        const headers = delivery.headers && typeof delivery.headers === 'object' ? delivery.headers : undefined;
        const eventId = eventIdFromHeaders(headers, delivery.id, maxBytes);
        if (eventId !== undefined) attributes[ATTR_MESSAGING_MESSAGE_ID] = eventId;
        // Under the delivery's process span even when settled after the handler returned.
        const parent = messageContext(delivery) ?? context.active();
        getTracer().startSpan(`${outcome} ${delivery.destination}`, { kind: SpanKind.CLIENT, attributes }, parent).end();
      });
    },
  };
}

function endSpan(span: Span, error: unknown): void {
  if (error !== undefined) recordSpanError(span, error);
  guard('custom span end', () => span.end());
}

function bodySize(body: unknown): number | undefined {
  if (typeof body === 'string') return Buffer.byteLength(body);
  if (body instanceof Uint8Array) return body.byteLength;
  return undefined;
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return !!value && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}
