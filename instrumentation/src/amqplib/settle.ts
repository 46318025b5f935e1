/**
 * ack / nack / reject / ackAll / nackAll: the settlement of every delivery the call covers is
 * recorded, then that delivery's process (or receive) span may end.
 *
 * By default the settlement goes on the process span itself (`causeway.settle.operation`,
 * `causeway.settle.requeue`, `causeway.settle.multiple`): that span ends at settlement anyway, and
 * a third span per message would cost as much again as the rest of the consumer side. With the
 * `settleSpans` option it is a CLIENT settle span under the process span instead (operation in
 * `messaging.operation.name`), as before. Either way the process span keeps the status the handler
 * gave it, because a nack is a decision of the handler, not necessarily a failure of it.
 */
import { SpanKind, type Attributes, type Span } from '@opentelemetry/api';
import { guard } from '../core/guard.js';
import {
  ATTR_CAUSEWAY_SETTLE_MULTIPLE,
  ATTR_CAUSEWAY_SETTLE_OPERATION,
  ATTR_CAUSEWAY_SETTLE_REQUEUE,
  ATTR_MESSAGING_CONSUMER_GROUP_NAME,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_MESSAGE_ID,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_RABBITMQ_DELIVERY_TAG,
  ATTR_MESSAGING_SYSTEM,
  MESSAGING_SYSTEM_RABBITMQ,
  OPERATION_SETTLE,
} from '../semconv.js';
import { channelState, type ChannelState } from './channel-state.js';
import { markSettled, recordError } from './delivery.js';
import { spanName } from './destination.js';
import { isObject, type AmqpChannel, type AnyFunction, type Delivery, type TelemetryResolver } from './shapes.js';

export type SettleMethod = 'ack' | 'nack' | 'reject' | 'ackAll' | 'nackAll';

interface Settlement {
  operation: 'ack' | 'nack' | 'reject';
  requeue: boolean;
  /** The call settles every outstanding delivery up to a tag (`multiple`), or all of them. */
  multiple: boolean;
  deliveries: Delivery[];
}

/** What each method settles, read from its arguments the way amqplib reads them. */
function settlementOf(method: SettleMethod, state: ChannelState, args: unknown[]): Settlement {
  const tagOf = (message: unknown): unknown => (isObject(message) && isObject(message['fields']) ? message['fields']['deliveryTag'] : undefined);
  // amqplib: requeue defaults to true for nack, nackAll and reject.
  const requeue = (value: unknown): boolean => (value === undefined ? true : Boolean(value));
  switch (method) {
    case 'ack':
      return { operation: 'ack', requeue: false, multiple: Boolean(args[1]), deliveries: state.open.covered(tagOf(args[0]), Boolean(args[1])) };
    case 'nack':
      return { operation: 'nack', requeue: requeue(args[2]), multiple: Boolean(args[1]), deliveries: state.open.covered(tagOf(args[0]), Boolean(args[1])) };
    case 'reject':
      return { operation: 'reject', requeue: requeue(args[1]), multiple: false, deliveries: state.open.covered(tagOf(args[0]), false) };
    case 'ackAll':
      return { operation: 'ack', requeue: false, multiple: true, deliveries: state.open.all() };
    case 'nackAll':
      return { operation: 'nack', requeue: requeue(args[0]), multiple: true, deliveries: state.open.all() };
  }
}

export function wrapSettle(method: SettleMethod, original: AnyFunction, resolve: TelemetryResolver): AnyFunction {
  return function causewaySettle(this: unknown, ...args: unknown[]): unknown {
    const channel = this as AmqpChannel;
    const telemetry = isObject(channel) ? guard('amqplib telemetry', () => resolve(channel)) : undefined;
    const state = telemetry ? channelState(channel) : undefined;
    if (!telemetry || !state || state.busy) return original.apply(this, args);

    const started = guard('amqplib settle', () => {
      const settlement = settlementOf(method, state, args);
      const separateSpans = telemetry.options.settleSpans === true;
      const spans = separateSpans ? settlement.deliveries.map((delivery) => startSettleSpan(delivery, settlement)) : [];
      return { settlement, spans, separateSpans };
    });
    state.busy = true;
    let result: unknown;
    try {
      result = original.apply(this, args);
    } catch (err) {
      // Not sent (e.g. the channel is closed): the deliveries stay open; the close ends them.
      guard('amqplib settle error', () => {
        for (const span of started?.spans ?? []) {
          recordError(span, err);
          span.end();
        }
      });
      throw err;
    } finally {
      state.busy = false;
    }
    guard('amqplib settle end', () => {
      if (!started) return;
      const { settlement } = started;
      state.open.remove(settlement.deliveries);
      for (const span of started.spans) span.end();
      // Only once amqplib took the call: a settlement that was never sent is not recorded.
      const onProcessSpan = started.separateSpans ? undefined : settlementAttributes(settlement);
      for (const delivery of settlement.deliveries) {
        if (onProcessSpan) delivery.span.setAttributes(onProcessSpan);
        markSettled(delivery);
      }
    });
    return result;
  };
}

function settlementAttributes(settlement: Settlement): Attributes {
  // An ack never requeues: `requeue` is only worth its bytes on a nack or reject. Every process
  // span carries these, so each attribute left out is exported once per message less.
  const attributes: Attributes = { [ATTR_CAUSEWAY_SETTLE_OPERATION]: settlement.operation };
  if (settlement.operation !== 'ack') attributes[ATTR_CAUSEWAY_SETTLE_REQUEUE] = settlement.requeue;
  if (settlement.multiple) attributes[ATTR_CAUSEWAY_SETTLE_MULTIPLE] = true;
  return attributes;
}

function startSettleSpan(delivery: Delivery, settlement: Settlement): Span {
  const attributes: Attributes = {
    [ATTR_MESSAGING_SYSTEM]: MESSAGING_SYSTEM_RABBITMQ,
    [ATTR_MESSAGING_OPERATION_TYPE]: OPERATION_SETTLE,
    [ATTR_MESSAGING_OPERATION_NAME]: settlement.operation,
    [ATTR_MESSAGING_DESTINATION_NAME]: delivery.destination.name,
    [ATTR_CAUSEWAY_SETTLE_REQUEUE]: settlement.requeue,
  };
  if (delivery.queue.length > 0) attributes[ATTR_MESSAGING_CONSUMER_GROUP_NAME] = delivery.queue;
  if (delivery.deliveryTag !== undefined) attributes[ATTR_MESSAGING_RABBITMQ_DELIVERY_TAG] = delivery.deliveryTag;
  if (delivery.eventId !== undefined) attributes[ATTR_MESSAGING_MESSAGE_ID] = delivery.eventId;
  return delivery.telemetry
    .tracer()
    .startSpan(spanName(settlement.operation, delivery.destination), { kind: SpanKind.CLIENT, attributes }, delivery.context);
}
