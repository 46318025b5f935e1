/**
 * Producer side: one PRODUCER span per message for `send`, `sendBatch` and their transactional twins.
 *
 * Each message gets its own span because each message is its own event: consumers parent their
 * process span on it, and the collector keys events by `messaging.message.id`. The span context and
 * event id are written into a copy of the message's headers, so the app's objects are never mutated
 * and a retried send of the same objects gets fresh context.
 */
import { SpanKind, context, propagation, trace, type Attributes, type Context, type Span, type TextMapSetter } from '@opentelemetry/api';
import { guard } from '../core/guard.js';
import { findHeader, keepExistingSetter, type HeaderBag } from '../core/headers.js';
import { currentEventId, eventIdFromHeaders, newEventId, resolveEventType } from '../core/event-identity.js';
import { recordSpanError } from '../core/span-errors.js';
import { payloadAttributes, resolvePayloadCapture } from '../dead-letter/payload.js';
import {
  ATTR_CAUSEWAY_EVENT_PARENT_ID,
  ATTR_CAUSEWAY_EVENT_TYPE,
  ATTR_MESSAGING_BATCH_MESSAGE_COUNT,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_DESTINATION_PARTITION_ID,
  ATTR_MESSAGING_KAFKA_OFFSET,
  ATTR_MESSAGING_MESSAGE_ID,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  HEADER_EVENT_ID,
  OPERATION_SEND,
} from '../semconv.js';
import { messageAttributes, toFiniteNumber } from './attributes.js';
import type { ClientEndpoint } from './endpoint.js';
import type { KafkaPatchState } from './patch-state.js';
import type { AnyFunction, OutgoingMessage, RecordMetadata, TopicMessages } from './shapes.js';

/** `send` takes `{ topic, messages }`; `sendBatch` takes `{ topicMessages: [{ topic, messages }] }`. */
export type SendShape = 'record' | 'batch';

interface MessageSpan {
  span: Span;
  topic: string;
  /** Position among this call's messages for the same topic: offset = baseOffset + position when one partition took them all. */
  positionInTopic: number;
  explicitPartition: boolean;
}

interface PreparedSend {
  request: unknown;
  spans: MessageSpan[];
}

export function traceSend(original: AnyFunction, state: KafkaPatchState, endpoint: ClientEndpoint, shape: SendShape): AnyFunction {
  return function tracedSend(this: unknown, request: unknown, ...rest: unknown[]) {
    const prepared = state.enabled() ? guard('kafkajs send instrumentation', () => prepareSend(state, endpoint, request, shape)) : undefined;
    if (!prepared) return original.call(this, request, ...rest);
    let pending: unknown;
    try {
      pending = original.call(this, prepared.request, ...rest);
    } catch (err) {
      finishSend(prepared, undefined, err);
      throw err;
    }
    if (!isPromiseLike(pending)) {
      finishSend(prepared, undefined, undefined);
      return pending;
    }
    return pending.then(
      (result) => {
        finishSend(prepared, result, undefined);
        return result;
      },
      (err: unknown) => {
        finishSend(prepared, undefined, err);
        throw err;
      },
    );
  };
}

function prepareSend(state: KafkaPatchState, endpoint: ClientEndpoint, request: unknown, shape: SendShape): PreparedSend | undefined {
  if (!request || typeof request !== 'object') return undefined;
  const topicList: unknown = shape === 'record' ? [request] : (request as { topicMessages?: unknown }).topicMessages;
  if (!Array.isArray(topicList)) return undefined;

  const total = topicList.reduce<number>((sum, entry: TopicMessages) => sum + (Array.isArray(entry?.messages) ? entry.messages.length : 0), 0);
  const parent = context.active();
  const spans: MessageSpan[] = [];
  const positions = new Map<string, number>();

  const tracedTopics = topicList.map((entry: unknown) => {
    if (!entry || typeof entry !== 'object') return entry;
    const { topic, messages } = entry as TopicMessages;
    if (typeof topic !== 'string' || !Array.isArray(messages)) return entry;
    const tracedMessages = messages.map((message: unknown) => {
      const traced = guard('kafkajs message instrumentation', () => traceOutgoingMessage(state, endpoint, parent, topic, message, total));
      if (!traced) return message;
      const positionInTopic = positions.get(topic) ?? 0;
      positions.set(topic, positionInTopic + 1);
      spans.push({ span: traced.span, topic, positionInTopic, explicitPartition: traced.explicitPartition });
      return traced.message;
    });
    return { ...entry, messages: tracedMessages };
  });

  if (spans.length === 0) return undefined;
  const tracedRequest = shape === 'record' ? tracedTopics[0] : { ...request, topicMessages: tracedTopics };
  return { request: tracedRequest, spans };
}

function traceOutgoingMessage(
  state: KafkaPatchState,
  endpoint: ClientEndpoint,
  parent: Context,
  topic: string,
  message: unknown,
  total: number,
): { message: OutgoingMessage; span: Span; explicitPartition: boolean } | undefined {
  if (!message || typeof message !== 'object') return undefined;
  const original = message as OutgoingMessage;
  if (original.headers !== undefined && original.headers !== null && (typeof original.headers !== 'object' || Array.isArray(original.headers))) {
    return undefined; // kafkajs will reject these headers; leave the message exactly as given.
  }
  const options = state.options();
  const headers: HeaderBag = { ...((original.headers as HeaderBag | undefined) ?? {}) };

  // The user's event id wins, even when we cannot read it; otherwise mint one.
  let eventId: string | undefined;
  if (findHeader(headers, HEADER_EVENT_ID) === undefined) {
    eventId = newEventId();
    headers[HEADER_EVENT_ID] = eventId;
  } else {
    eventId = eventIdFromHeaders(headers, undefined, options.maxHeaderBytes);
  }

  const attributes: Attributes = {
    ...messageAttributes(endpoint, original),
    [ATTR_MESSAGING_OPERATION_TYPE]: OPERATION_SEND,
    [ATTR_MESSAGING_OPERATION_NAME]: OPERATION_SEND,
    [ATTR_MESSAGING_DESTINATION_NAME]: topic,
  };
  if (eventId) attributes[ATTR_MESSAGING_MESSAGE_ID] = eventId;
  if (total > 1) attributes[ATTR_MESSAGING_BATCH_MESSAGE_COUNT] = total;
  const explicitPartition = typeof original.partition === 'number' && Number.isInteger(original.partition);
  if (explicitPartition) attributes[ATTR_MESSAGING_DESTINATION_PARTITION_ID] = String(original.partition);
  const parentEventId = currentEventId(parent);
  // A republished copy (retry, dead letter) is the same event, not its own effect.
  if (parentEventId && parentEventId !== eventId) attributes[ATTR_CAUSEWAY_EVENT_PARENT_ID] = parentEventId;
  const eventType = resolveEventType(options.eventType, { system: 'kafka', destination: topic, headers, body: original.value }, options.maxHeaderBytes);
  if (eventType) attributes[ATTR_CAUSEWAY_EVENT_TYPE] = eventType;
  Object.assign(attributes, payloadAttributes(resolvePayloadCapture(options.capturePayload), original.headers as HeaderBag | undefined, original.value));

  const span = state.tracer().startSpan(`${OPERATION_SEND} ${topic}`, { kind: SpanKind.PRODUCER, attributes }, parent);
  try {
    propagation.inject(trace.setSpan(parent, span), headers, setterRespecting(headers));
  } catch (err) {
    span.end();
    throw err; // guard() above drops the whole message's instrumentation, leaving it untouched.
  }
  return { message: { ...original, headers }, span, explicitPartition };
}

/**
 * Never overwrite what the user set. When they set their own traceparent, our tracestate must not
 * be attached to it either: tracestate belongs to the traceparent it travelled with.
 */
function setterRespecting(headers: HeaderBag): TextMapSetter<HeaderBag> {
  const userOwnsTrace = findHeader(headers, 'traceparent') !== undefined;
  return {
    set(carrier, key, value) {
      if (userOwnsTrace && key.toLowerCase() === 'tracestate') return;
      keepExistingSetter.set(carrier, key, value);
    },
  };
}

function finishSend(prepared: PreparedSend, result: unknown, error: unknown): void {
  guard('kafkajs send completion', () => {
    const placements = error === undefined ? placementsByTopic(result) : undefined;
    for (const { span, topic, positionInTopic, explicitPartition } of prepared.spans) {
      if (error !== undefined) {
        recordSpanError(span, error);
      } else {
        // kafkajs reports one entry per partition written; only when a topic's messages all went to a
        // single partition can each message's partition and offset be known.
        const only = placements?.get(topic);
        if (only) {
          if (!explicitPartition) span.setAttribute(ATTR_MESSAGING_DESTINATION_PARTITION_ID, String(only.partition));
          if (only.baseOffset !== undefined) span.setAttribute(ATTR_MESSAGING_KAFKA_OFFSET, only.baseOffset + positionInTopic);
        }
      }
      span.end();
    }
  });
}

/** Topic → its single partition placement, for topics whose messages all landed on one partition. */
function placementsByTopic(result: unknown): Map<string, { partition: number; baseOffset?: number }> | undefined {
  if (!Array.isArray(result)) return undefined;
  const seen = new Map<string, { partition: number; baseOffset?: number } | null>();
  for (const entry of result as RecordMetadata[]) {
    if (!entry || typeof entry.topicName !== 'string' || typeof entry.partition !== 'number') continue;
    const baseOffset = toFiniteNumber(entry.baseOffset);
    seen.set(entry.topicName, seen.has(entry.topicName) ? null : { partition: entry.partition, ...(baseOffset !== undefined ? { baseOffset } : {}) });
  }
  const single = new Map<string, { partition: number; baseOffset?: number }>();
  for (const [topic, placement] of seen) if (placement) single.set(topic, placement);
  return single;
}

export function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return !!value && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}
