/**
 * Explicit wrappers: instrument one connection (its future channels) or one channel, without
 * patching amqplib for the whole process. Each keeps its own options, so several "services" in
 * one process can use different tracer providers.
 *
 * Wrapping twice never wraps twice: the methods are replaced once and later calls only change the
 * options. When the zero-code instrumentation has patched the prototypes as well, the per-object
 * wrapper runs first and the patched prototype method under it passes through (see
 * `ChannelState.busy`), so each call is traced once, with the explicit options.
 */
import { guard } from '../core/guard.js';
import type { MessagingInstrumentationOptions } from '../types.js';
import { CHANNEL_METHODS, telemetryFromOptions, wrapChannelMethod } from './channel-methods.js';
import { isObject, type AmqpChannel, type AmqpTelemetry, type AnyFunction } from './shapes.js';

const channelTelemetry = new WeakMap<object, AmqpTelemetry>();
const connectionTelemetry = new WeakMap<object, AmqpTelemetry>();
const resolveChannel = (channel: AmqpChannel): AmqpTelemetry | undefined => channelTelemetry.get(channel);

/** Both APIs' channels (and confirm channels) have these; a connection has none of them. */
function isChannel(value: unknown): value is AmqpChannel {
  return isObject(value) && typeof value['publish'] === 'function' && typeof value['consume'] === 'function' && typeof value['ack'] === 'function';
}

/**
 * Instruments a channel or confirm channel of the promise or callback API. Returns the same
 * object. Anything else is returned untouched.
 */
export function instrumentAmqpChannel<T>(channel: T, options: MessagingInstrumentationOptions = {}): T {
  guard('instrumentAmqpChannel', () => {
    if (isChannel(channel)) instrumentChannelWith(channel, telemetryFromOptions(options));
  });
  return channel;
}

/**
 * Instruments a connection (`ChannelModel`, callback `Connection`, or either recovering model
 * from `connect(url, { recovery })`): every channel and confirm channel it creates from now on is
 * instrumented. Given a channel, instruments that channel. Returns the same object.
 */
export function instrumentAmqplib<T>(connection: T, options: MessagingInstrumentationOptions = {}): T {
  guard('instrumentAmqplib', () => {
    if (isChannel(connection)) {
      instrumentChannelWith(connection, telemetryFromOptions(options));
      return;
    }
    if (!isObject(connection)) return;
    const alreadyWrapped = connectionTelemetry.has(connection);
    connectionTelemetry.set(connection, telemetryFromOptions(options));
    if (alreadyWrapped) return;
    for (const method of ['createChannel', 'createConfirmChannel']) {
      const original = connection[method];
      if (typeof original === 'function') replaceMethod(connection, method, wrapCreateChannel(connection, original as AnyFunction));
    }
  });
  return connection;
}

function instrumentChannelWith(channel: AmqpChannel, telemetry: AmqpTelemetry): void {
  const alreadyWrapped = channelTelemetry.has(channel);
  channelTelemetry.set(channel, telemetry);
  if (alreadyWrapped) return;
  for (const method of CHANNEL_METHODS) {
    const original = channel[method];
    if (typeof original === 'function') replaceMethod(channel, method, wrapChannelMethod(method, original as AnyFunction, resolveChannel));
  }
}

/**
 * createChannel / createConfirmChannel, in all their shapes: promise API returns a promise;
 * callback API takes `([options], cb)` and returns the channel (the recovering callback model
 * returns itself instead). The channel is instrumented before the caller gets it.
 */
function wrapCreateChannel(connection: object, original: AnyFunction): AnyFunction {
  const instrument = (channel: unknown): void => {
    guard('amqplib createChannel', () => {
      const telemetry = connectionTelemetry.get(connection);
      if (telemetry && isChannel(channel) && channel !== connection) instrumentChannelWith(channel, telemetry);
    });
  };
  return function causewayCreateChannel(this: unknown, ...args: unknown[]): unknown {
    const newArgs = [...args];
    const cbIndex = args.findLastIndex((arg) => typeof arg === 'function');
    if (cbIndex >= 0) {
      const callback = args[cbIndex] as AnyFunction;
      newArgs[cbIndex] = function causewayChannelCallback(this: unknown, ...cbArgs: unknown[]): unknown {
        if (cbArgs[0] === null || cbArgs[0] === undefined) instrument(cbArgs[1]);
        return callback.apply(this, cbArgs);
      };
    }
    const result = original.apply(this, newArgs);
    instrument(result);
    const then = guard('amqplib createChannel result', () => (isObject(result) ? result['then'] : undefined));
    if (typeof then !== 'function') return result;
    return (then as AnyFunction).call(result, (channel: unknown) => {
      instrument(channel);
      return channel;
    });
  };
}

/** Own, non-enumerable property: shadows the prototype method without showing up in logs. */
function replaceMethod(target: object, name: string, value: AnyFunction): void {
  Object.defineProperty(target, name, { value, writable: true, configurable: true, enumerable: false });
}
