/**
 * `consume` (push) and `get` (pull) on both APIs.
 *
 * consume: the user's callback is wrapped so each delivery gets a process span, and the callback
 * runs with that span and the message's event id active (messages it publishes name this one as
 * their causal parent). get: a receive span per message returned, none when the queue was empty.
 */
import { context } from '@opentelemetry/api';
import { guard } from '../core/guard.js';
import { OPERATION_PROCESS, OPERATION_RECEIVE } from '../semconv.js';
import { channelState } from './channel-state.js';
import { finishHandler, startDelivery } from './delivery.js';
import { nameText } from './destination.js';
import { isObject, type AmqpChannel, type AmqpMessage, type AmqpTelemetry, type AnyFunction, type TelemetryResolver } from './shapes.js';

/** `consume(queue, callback, options[, cb])`: the callback is argument 1 in both APIs. */
export function wrapConsume(original: AnyFunction, resolve: TelemetryResolver): AnyFunction {
  return function causewayConsume(this: unknown, ...args: unknown[]): unknown {
    const channel = this as AmqpChannel;
    const telemetry = isObject(channel) ? guard('amqplib telemetry', () => resolve(channel)) : undefined;
    const state = telemetry ? channelState(channel) : undefined;
    const callback = args[1];
    if (!telemetry || !state || state.busy || typeof callback !== 'function') return original.apply(this, args);

    const options = args[2];
    const noAck = isObject(options) && Boolean(options['noAck']);
    const newArgs = [...args];
    newArgs[1] = processingCallback(telemetry, channel, nameText(args[0]), noAck, callback as AnyFunction);
    state.busy = true;
    try {
      return original.apply(this, newArgs);
    } finally {
      state.busy = false;
    }
  };
}

function processingCallback(telemetry: AmqpTelemetry, channel: AmqpChannel, queue: string, noAck: boolean, callback: AnyFunction): AnyFunction {
  return function causewayDelivery(this: unknown, ...cbArgs: unknown[]): unknown {
    const message = cbArgs[0];
    // `null` signals that the broker cancelled the consumer: nothing to trace.
    if (!isObject(message)) return callback.apply(this, cbArgs);
    const delivery = guard('amqplib delivery', () =>
      startDelivery({ telemetry, state: channelState(channel), message: message as AmqpMessage, queue, operation: OPERATION_PROCESS, noAck }),
    );
    if (!delivery) return callback.apply(this, cbArgs);

    let result: unknown;
    try {
      result = context.with(delivery.context, () => callback.apply(this, cbArgs));
    } catch (err) {
      guard('amqplib handler error', () => finishHandler(delivery, true, err));
      throw err;
    }
    const then = guard('amqplib handler result', () => (isObject(result) || typeof result === 'function' ? (result as { then?: unknown }).then : undefined));
    if (typeof then !== 'function') {
      guard('amqplib handler end', () => finishHandler(delivery, false));
      return result;
    }
    // amqplib ignores what the callback returns, so handing back a promise that settles the same
    // way keeps an unhandled rejection unhandled, as it would be without Causeway.
    return (then as AnyFunction).call(
      result,
      (value: unknown) => {
        guard('amqplib handler end', () => finishHandler(delivery, false));
        return value;
      },
      (err: unknown) => {
        guard('amqplib handler error', () => finishHandler(delivery, true, err));
        throw err;
      },
    );
  };
}

/** `get(queue, options)` → Promise (promise API) or `get(queue, options, cb)` (callback API). */
export function wrapGet(original: AnyFunction, resolve: TelemetryResolver): AnyFunction {
  return function causewayGet(this: unknown, ...args: unknown[]): unknown {
    const channel = this as AmqpChannel;
    const telemetry = isObject(channel) ? guard('amqplib telemetry', () => resolve(channel)) : undefined;
    const state = telemetry ? channelState(channel) : undefined;
    if (!telemetry || !state || state.busy) return original.apply(this, args);

    const queue = nameText(args[0]);
    const options = args[1];
    const noAck = isObject(options) && Boolean(options['noAck']);
    const startTime = Date.now();
    const received = (message: unknown): void => {
      // `false`: the queue was empty, no message, no span.
      if (!isObject(message)) return;
      guard('amqplib get', () => startDelivery({ telemetry, state, message: message as AmqpMessage, queue, operation: OPERATION_RECEIVE, noAck, startTime }));
    };

    const callback = args[2];
    const newArgs = [...args];
    if (typeof callback === 'function') {
      newArgs[2] = function causewayGetCallback(this: unknown, ...cbArgs: unknown[]): unknown {
        if (cbArgs[0] === null || cbArgs[0] === undefined) received(cbArgs[1]);
        return (callback as AnyFunction).apply(this, cbArgs);
      };
    }
    state.busy = true;
    let result: unknown;
    try {
      result = original.apply(this, newArgs);
    } finally {
      state.busy = false;
    }
    if (typeof callback === 'function') return result;
    const then = guard('amqplib get result', () => (isObject(result) ? (result as { then?: unknown }).then : undefined));
    if (typeof then !== 'function') return result;
    // Our step runs before the caller sees the message, so `runWithMessageContext(message)` works
    // from the first line after `await get()`.
    return (then as AnyFunction).call(result, (message: unknown) => {
      received(message);
      return message;
    });
  };
}
