/**
 * `publish` (and `sendToQueue`, which amqplib implements by calling `publish`) on channels and
 * confirm channels of both APIs: one PRODUCER span per message, its context injected into the
 * AMQP header table, and an event id on every message.
 *
 * On a confirm channel the span lasts until the broker confirms the message (or the channel closes
 * first), so a broker nack shows as an error on the publish it belongs to.
 */
import { context, propagation, SpanKind, trace, type Attributes, type Link, type Span } from '@opentelemetry/api';
import { guard } from '../core/guard.js';
import { currentEventId, eventIdFromHeaders, newEventId, resolveEventType } from '../core/event-identity.js';
import { extractMessageContext } from '../core/extract.js';
import { findHeader, keepExistingSetter, type HeaderBag } from '../core/headers.js';
import { payloadAttributes, resolvePayloadCapture } from '../dead-letter/payload.js';
import {
  ATTR_CAUSEWAY_EVENT_PARENT_ID,
  ATTR_CAUSEWAY_EVENT_TYPE,
  ATTR_MESSAGING_DESTINATION_ANONYMOUS,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_MESSAGE_BODY_SIZE,
  ATTR_MESSAGING_MESSAGE_CONVERSATION_ID,
  ATTR_MESSAGING_MESSAGE_ID,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_RABBITMQ_ROUTING_KEY,
  ATTR_MESSAGING_SYSTEM,
  HEADER_EVENT_ID,
  MESSAGING_SYSTEM_RABBITMQ,
  OPERATION_SEND,
} from '../semconv.js';
import { channelState, type ChannelState } from './channel-state.js';
import { recordError } from './delivery.js';
import { nameText, publishDestination, spanName } from './destination.js';
import { isObject, type AmqpChannel, type AmqpTelemetry, type AnyFunction, type TelemetryResolver } from './shapes.js';

/**
 * The AMQP method is basic.publish, but Causeway names the operation `send` on every broker so
 * spans read alike across systems (semconv: span name `{operation name} {destination}`).
 */
const OPERATION_NAME = 'send';

interface PreparedPublish {
  span: Span;
  args: unknown[];
}

/**
 * @param confirm whether the wrapped function is a confirm channel's publish (takes a callback,
 * settled by the broker). `undefined`: decide per channel (explicitly wrapped instances).
 */
export function wrapPublish(original: AnyFunction, resolve: TelemetryResolver, confirm: boolean | undefined): AnyFunction {
  return function causewayPublish(this: unknown, ...args: unknown[]): unknown {
    const channel = this as AmqpChannel;
    const telemetry = isObject(channel) ? guard('amqplib telemetry', () => resolve(channel)) : undefined;
    const state = telemetry ? channelState(channel) : undefined;
    if (!telemetry || !state || state.busy) return original.apply(this, args);

    const isConfirm = confirm ?? typeof channel.waitForConfirms === 'function';
    const prepared = guard('amqplib publish', () => preparePublish(telemetry, state, args, isConfirm));
    state.busy = true;
    let result: unknown;
    try {
      result = original.apply(this, prepared ? prepared.args : args);
    } catch (err) {
      // Nothing was sent (closed channel, bad arguments): the confirm callback will never run.
      if (prepared) guard('amqplib publish error', () => endSend(prepared.span, true, err));
      throw err;
    } finally {
      state.busy = false;
    }
    if (prepared && !isConfirm) guard('amqplib publish end', () => endSend(prepared.span, false));
    return result;
  };
}

function preparePublish(telemetry: AmqpTelemetry, state: ChannelState, args: unknown[], confirm: boolean): PreparedPublish {
  const [exchange, routingKey, content, options] = args;
  const userOptions = isObject(options) ? options : undefined;
  const headers = copyHeaders(userOptions?.['headers']);
  const maxBytes = telemetry.options.maxHeaderBytes;

  // The same rule as on the consumer side: an event id already in the headers (a republished
  // message keeps its identity), else the user's messageId, else a new one we write down.
  let eventId = eventIdFromHeaders(headers, userOptions?.['messageId'], maxBytes);
  if (eventId === undefined) {
    eventId = newEventId();
    if (headers) headers[HEADER_EVENT_ID] = eventId;
  }

  const destination = publishDestination(nameText(exchange), nameText(routingKey));
  const attributes: Attributes = {
    [ATTR_MESSAGING_SYSTEM]: MESSAGING_SYSTEM_RABBITMQ,
    [ATTR_MESSAGING_OPERATION_TYPE]: OPERATION_SEND,
    [ATTR_MESSAGING_OPERATION_NAME]: OPERATION_NAME,
    [ATTR_MESSAGING_DESTINATION_NAME]: destination.name,
    [ATTR_MESSAGING_MESSAGE_ID]: eventId,
    ...state.serverAttributes(),
  };
  if (destination.anonymous) attributes[ATTR_MESSAGING_DESTINATION_ANONYMOUS] = true;
  if (nameText(routingKey).length > 0) attributes[ATTR_MESSAGING_RABBITMQ_ROUTING_KEY] = nameText(routingKey);
  const correlationId = userOptions?.['correlationId'];
  if (typeof correlationId === 'string' && correlationId.length > 0) attributes[ATTR_MESSAGING_MESSAGE_CONVERSATION_ID] = correlationId;
  if (Buffer.isBuffer(content)) attributes[ATTR_MESSAGING_MESSAGE_BODY_SIZE] = content.length;
  const parentEventId = currentEventId();
  if (parentEventId !== undefined && parentEventId !== eventId) attributes[ATTR_CAUSEWAY_EVENT_PARENT_ID] = parentEventId;
  const eventType = resolveEventType(
    telemetry.options.eventType,
    { system: MESSAGING_SYSTEM_RABBITMQ, destination: destination.name, headers, body: content, nativeType: userOptions?.['type'] },
    maxBytes,
  );
  if (eventType !== undefined) attributes[ATTR_CAUSEWAY_EVENT_TYPE] = eventType;
  // The user's headers, before ours are added: trace context and event id are on the span already.
  const userHeaders = userOptions?.['headers'];
  Object.assign(attributes, payloadAttributes(resolvePayloadCapture(telemetry.options.capturePayload), isObject(userHeaders) ? userHeaders : undefined, content));

  const active = context.active();
  const span = telemetry
    .tracer()
    .startSpan(spanName(OPERATION_NAME, destination), { kind: SpanKind.PRODUCER, attributes, links: userContextLinks(headers, maxBytes) }, active);
  // The user's own traceparent (e.g. a message forwarded as-is) wins: the setter only adds.
  if (headers) propagation.inject(trace.setSpan(active, span), headers, keepExistingSetter);

  const newArgs = [...args];
  // amqplib only reads the options, so a copy with our headers leaves the user's object alone.
  if (headers) newArgs[3] = { ...userOptions, headers };
  if (confirm) {
    const userCallback = newArgs[4];
    // A non-function callback is the user's bug; keep amqplib's own reaction to it.
    if (userCallback === undefined || userCallback === null || typeof userCallback === 'function') {
      newArgs[4] = confirmCallback(span, userCallback as AnyFunction | undefined | null, active);
    }
  }
  return { span, args: newArgs };
}

/**
 * Copies the header table the way amqplib reads it (`for…in`, so inherited keys count too).
 * Undefined when the user's value cannot hold headers: then it is passed on untouched.
 */
function copyHeaders(userHeaders: unknown): HeaderBag | undefined {
  if (userHeaders === undefined || userHeaders === null) return {};
  if (typeof userHeaders !== 'object' || Array.isArray(userHeaders)) return undefined;
  const copy: HeaderBag = {};
  for (const key in userHeaders) copy[key] = (userHeaders as HeaderBag)[key];
  return copy;
}

/** Semconv: the publish span links to a creation context the user put in the message. */
function userContextLinks(headers: HeaderBag | undefined, maxBytes: number | undefined): Link[] {
  if (findHeader(headers, 'traceparent') === undefined) return [];
  const spanContext = trace.getSpanContext(extractMessageContext(headers, maxBytes).context);
  return spanContext ? [{ context: spanContext }] : [];
}

/**
 * amqplib calls a confirm callback with `(null)` on broker ack and `(error)` on nack or when the
 * channel closes first. Passing a function where the user passed none changes nothing in amqplib
 * (it stores `cb || false` and treats both alike); the user's callback runs in the context that
 * was active when they published.
 */
function confirmCallback(span: Span, userCallback: AnyFunction | undefined | null, publishContext: ReturnType<typeof context.active>): AnyFunction {
  return function causewayConfirm(this: unknown, ...cbArgs: unknown[]): unknown {
    const err = cbArgs[0];
    guard('amqplib confirm', () => endSend(span, err !== null && err !== undefined, err));
    if (typeof userCallback === 'function') return context.with(publishContext, () => userCallback.apply(this, cbArgs));
    return undefined;
  };
}

function endSend(span: Span, failed: boolean, error?: unknown): void {
  if (failed) recordError(span, error);
  span.end();
}
