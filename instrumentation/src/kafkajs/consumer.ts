/**
 * Consumer side: a CONSUMER `process` span per message for `eachMessage` and `eachBatch`.
 *
 * The span's parent is the producer's span, extracted from the message headers, so the trace
 * follows the event across services. The handler runs with that span active and with the
 * message's event id in the context, so whatever it publishes records the message as its cause.
 */
import { SpanKind, context, trace, type Attributes, type Context, type Link, type Span } from '@opentelemetry/api';
import { guard } from '../core/guard.js';
import { extractMessageContext } from '../core/extract.js';
import { eventIdFromHeaders, resolveEventType, withEventId } from '../core/event-identity.js';
import { rememberMessageContext } from '../core/message-context.js';
import { recordSpanError } from '../core/span-errors.js';
import type { HeaderBag } from '../core/headers.js';
import { RecentFailures, rememberDeliveryFacts } from '../dead-letter/delivery-facts.js';
import { recordFailureFingerprint } from '../dead-letter/failure.js';
import { incomingDeadLetterAttributes } from '../dead-letter/incoming.js';
import { payloadAttributes, resolvePayloadCapture } from '../dead-letter/payload.js';
import { earlierAttemptsFor } from '../dead-letter/provenance.js';
import {
  ATTR_CAUSEWAY_DELIVERY_ATTEMPT,
  ATTR_CAUSEWAY_CONTEXT_DROPPED_REASON,
  ATTR_CAUSEWAY_EVENT_TYPE,
  ATTR_CAUSEWAY_MESSAGE_PUBLISHED_AT,
  ATTR_CAUSEWAY_TIME_IN_QUEUE_MS,
  ATTR_MESSAGING_CONSUMER_GROUP_NAME,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_DESTINATION_PARTITION_ID,
  ATTR_MESSAGING_KAFKA_OFFSET,
  ATTR_MESSAGING_MESSAGE_ID,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  OPERATION_PROCESS,
} from '../semconv.js';
import { messageAttributes, toFiniteNumber } from './attributes.js';
import type { ClientEndpoint } from './endpoint.js';
import type { KafkaPatchState } from './patch-state.js';
import type { AnyFunction, ConsumedMessage, EachBatchPayload, EachMessagePayload } from './shapes.js';

export interface ConsumerIdentity {
  endpoint: ClientEndpoint;
  groupId: string | undefined;
  /** Failed deliveries by position, so kafkajs's in-place retries get their attempt number. */
  failures: RecentFailures;
}

interface ProcessSpan {
  span: Span;
  /** Context the user's code for this message runs in: the span plus the message's event id. */
  context: Context;
  /** Topic/partition/offset: the key of this delivery in `ConsumerIdentity.failures`. */
  position: string;
}

/** Marks a delivery failed: error, fingerprint, and one more failure counted for its position. */
function recordProcessFailure(consumer: ConsumerIdentity, started: { span: Span; position: string }, err: unknown): void {
  recordSpanError(started.span, err);
  recordFailureFingerprint(started.span, err);
  guard('kafkajs failure count', () => consumer.failures.failed(started.position));
}

/** Wraps `consumer.run` so the handlers it is given are traced. The config object itself is not mutated. */
export function traceRun(original: AnyFunction, state: KafkaPatchState, consumer: ConsumerIdentity): AnyFunction {
  return function tracedRun(this: unknown, config: unknown, ...rest: unknown[]) {
    const traced = state.enabled() ? guard('kafkajs run instrumentation', () => traceRunConfig(config, state, consumer)) : undefined;
    return original.call(this, traced ?? config, ...rest);
  };
}

function traceRunConfig(config: unknown, state: KafkaPatchState, consumer: ConsumerIdentity): unknown {
  if (!config || typeof config !== 'object') return config;
  const { eachMessage, eachBatch } = config as { eachMessage?: unknown; eachBatch?: unknown };
  const traced: Record<string, unknown> = { ...config };
  if (typeof eachMessage === 'function') traced.eachMessage = traceEachMessage(eachMessage as AnyFunction, state, consumer);
  if (typeof eachBatch === 'function') traced.eachBatch = traceEachBatch(eachBatch as AnyFunction, state, consumer);
  return traced;
}

function traceEachMessage(handler: AnyFunction, state: KafkaPatchState, consumer: ConsumerIdentity): AnyFunction {
  return async function tracedEachMessage(this: unknown, payload: EachMessagePayload, ...rest: unknown[]) {
    const started = state.enabled()
      ? guard('kafkajs eachMessage instrumentation', () => startProcessSpan(state, consumer, payload?.topic, payload?.partition, payload?.message, { link: false }))
      : undefined;
    if (!started) return handler.call(this, payload, ...rest);
    try {
      const result: unknown = await context.with(started.context, () => handler.call(this, payload, ...rest));
      guard('kafkajs process span end', () => {
        consumer.failures.succeeded(started.position);
        started.span.end();
      });
      return result;
    } catch (err) {
      recordProcessFailure(consumer, started, err);
      guard('kafkajs process span end', () => started.span.end());
      throw err;
    }
  };
}

function traceEachBatch(handler: AnyFunction, state: KafkaPatchState, consumer: ConsumerIdentity): AnyFunction {
  return async function tracedEachBatch(this: unknown, payload: EachBatchPayload, ...rest: unknown[]) {
    const tracked = state.enabled() ? guard('kafkajs eachBatch instrumentation', () => startBatchSpans(state, consumer, payload)) : undefined;
    if (!tracked) return handler.call(this, payload, ...rest);
    try {
      const result: unknown = await handler.call(this, tracked.payload, ...rest);
      tracked.endOpen(undefined);
      return result;
    } catch (err) {
      tracked.endOpen(err);
      throw err;
    }
  };
}

interface TrackedBatch {
  /** The payload the user's handler gets: the same, except `resolveOffset` also ends that message's span. */
  payload: EachBatchPayload;
  /** End the spans not yet ended by `resolveOffset`, failed with `error` when given. */
  endOpen(error: unknown): void;
}

function startBatchSpans(state: KafkaPatchState, consumer: ConsumerIdentity, payload: EachBatchPayload): TrackedBatch | undefined {
  const batch = payload?.batch;
  if (!batch || !Array.isArray(batch.messages)) return undefined;
  const messages = batch.messages as ConsumedMessage[];
  const open: Array<{ offset: bigint | undefined; span: Span; position: string }> = [];
  for (const message of messages) {
    const started = guard('kafkajs batch message instrumentation', () =>
      startProcessSpan(state, consumer, batch.topic, batch.partition, message, { link: true }),
    );
    if (started) open.push({ offset: offsetOf(message), span: started.span, position: started.position });
  }
  if (open.length === 0) return undefined;

  // kafkajs semantics: resolving an offset means every message up to it is done.
  const endUpTo = (resolved: bigint): void => {
    for (let i = open.length - 1; i >= 0; i--) {
      const entry = open[i];
      if (entry?.offset !== undefined && entry.offset <= resolved) {
        open.splice(i, 1);
        consumer.failures.succeeded(entry.position);
        entry.span.end();
      }
    }
  };
  const originalResolve = payload.resolveOffset;
  const tracedPayload: EachBatchPayload =
    typeof originalResolve === 'function'
      ? {
          ...payload,
          resolveOffset: function tracedResolveOffset(this: unknown, offset: unknown, ...rest: unknown[]) {
            const result: unknown = (originalResolve as AnyFunction).call(this, offset, ...rest);
            guard('kafkajs resolveOffset instrumentation', () => {
              const resolved = parseOffset(offset);
              if (resolved !== undefined) endUpTo(resolved);
            });
            return result;
          },
        }
      : payload;

  return {
    payload: tracedPayload,
    endOpen(error) {
      guard('kafkajs batch span end', () => {
        for (const entry of open.splice(0)) {
          if (error !== undefined) recordProcessFailure(consumer, entry, error);
          else consumer.failures.succeeded(entry.position);
          entry.span.end();
        }
      });
    },
  };
}

function startProcessSpan(
  state: KafkaPatchState,
  consumer: ConsumerIdentity,
  topic: unknown,
  partition: unknown,
  message: ConsumedMessage | undefined,
  shape: { link: boolean },
): ProcessSpan | undefined {
  if (!message || typeof message !== 'object' || typeof topic !== 'string') return undefined;
  const options = state.options();
  const headers = message.headers && typeof message.headers === 'object' ? (message.headers as HeaderBag) : undefined;
  const extracted = extractMessageContext(headers, options.maxHeaderBytes);
  const eventId = eventIdFromHeaders(headers, undefined, options.maxHeaderBytes);

  const attributes: Attributes = {
    ...messageAttributes(consumer.endpoint, message),
    [ATTR_MESSAGING_OPERATION_TYPE]: OPERATION_PROCESS,
    [ATTR_MESSAGING_OPERATION_NAME]: OPERATION_PROCESS,
    [ATTR_MESSAGING_DESTINATION_NAME]: topic,
  };
  if (consumer.groupId) attributes[ATTR_MESSAGING_CONSUMER_GROUP_NAME] = consumer.groupId;
  if (typeof partition === 'number') attributes[ATTR_MESSAGING_DESTINATION_PARTITION_ID] = String(partition);
  const offset = toFiniteNumber(message.offset);
  if (offset !== undefined) attributes[ATTR_MESSAGING_KAFKA_OFFSET] = offset;
  if (eventId) attributes[ATTR_MESSAGING_MESSAGE_ID] = eventId;
  const publishedAt = toFiniteNumber(message.timestamp);
  if (publishedAt !== undefined && publishedAt > 0) {
    attributes[ATTR_CAUSEWAY_MESSAGE_PUBLISHED_AT] = publishedAt;
    // Producer and consumer clocks differ; a negative wait is skew, not time travel.
    attributes[ATTR_CAUSEWAY_TIME_IN_QUEUE_MS] = Math.max(0, Date.now() - publishedAt);
  }
  const eventType = resolveEventType(options.eventType, { system: 'kafka', destination: topic, headers, body: message.value }, options.maxHeaderBytes);
  if (eventType) attributes[ATTR_CAUSEWAY_EVENT_TYPE] = eventType;
  if (extracted.droppedReason) attributes[ATTR_CAUSEWAY_CONTEXT_DROPPED_REASON] = extracted.droppedReason;

  // Which delivery this is: kafkajs's own retries of this position, plus attempts a Causeway
  // republish recorded for this group (a retry topic consumed by the group that failed it).
  const partitionId = typeof partition === 'number' ? String(partition) : undefined;
  const position = `${topic}/${partitionId ?? '?'}/${offset ?? '?'}`;
  const earlierFailures = consumer.failures.get(position);
  const hopAttempt = 1 + (earlierFailures?.failures ?? 0);
  attributes[ATTR_CAUSEWAY_DELIVERY_ATTEMPT] = earlierAttemptsFor(headers, consumer.groupId) + hopAttempt;
  Object.assign(attributes, incomingDeadLetterAttributes(headers, publishedAt !== undefined && publishedAt > 0 ? { publishedAtMs: publishedAt } : {}));
  Object.assign(attributes, payloadAttributes(resolvePayloadCapture(options.capturePayload), headers, message.value));

  const producerSpan = trace.getSpanContext(extracted.context);
  const links: Link[] = shape.link && producerSpan ? [{ context: producerSpan }] : [];
  const span = state.tracer().startSpan(`${OPERATION_PROCESS} ${topic}`, { kind: SpanKind.CONSUMER, attributes, links }, extracted.context);
  const messageContext = withEventId(trace.setSpan(extracted.context, span), eventId);
  rememberMessageContext(message, messageContext);
  rememberDeliveryFacts(message, {
    origin: {
      destination: topic,
      ...(partitionId !== undefined ? { partition: partitionId } : {}),
      ...(offset !== undefined ? { offset } : {}),
      ...(consumer.groupId ? { group: consumer.groupId } : {}),
    },
    hopAttempt,
    ...(earlierFailures ? { firstFailureAt: earlierFailures.firstFailureAt } : {}),
  });
  return { span, context: messageContext, position };
}

function offsetOf(message: ConsumedMessage): bigint | undefined {
  return parseOffset(message?.offset);
}

function parseOffset(offset: unknown): bigint | undefined {
  if (typeof offset === 'bigint') return offset;
  if (typeof offset === 'number' && Number.isInteger(offset)) return BigInt(offset);
  if (typeof offset === 'string' && /^-?\d+$/.test(offset)) return BigInt(offset);
  return undefined;
}
