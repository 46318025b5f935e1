/**
 * The one patch implementation, shared by the zero-code instrumentation (which wraps the
 * prototypes of amqplib's Channel and ConfirmChannel) and the explicit wrappers (which wrap the
 * methods of one channel object). Only the way a wrapper finds its telemetry differs.
 */
import { trace } from '@opentelemetry/api';
import type { MessagingInstrumentationOptions } from '../types.js';
import { wrapConsume, wrapGet } from './consume.js';
import { wrapPublish } from './publish.js';
import { wrapSettle } from './settle.js';
import type { AmqpTelemetry, AnyFunction, TelemetryResolver } from './shapes.js';

export const INSTRUMENTATION_NAME = '@causeway/instrumentation/amqplib';
export const INSTRUMENTATION_VERSION = '0.1.0';

/**
 * `sendToQueue` is not here on purpose: amqplib implements it as `this.publish('', queue, …)`, so
 * wrapping both would trace every sendToQueue twice (the busy flag would catch it, but there is
 * no reason to pay for it).
 */
export const CHANNEL_METHODS = ['publish', 'consume', 'get', 'ack', 'nack', 'reject', 'ackAll', 'nackAll'] as const;
export type ChannelMethod = (typeof CHANNEL_METHODS)[number];

/**
 * @param confirm for `publish`: true when wrapping ConfirmChannel's, false for Channel's,
 * undefined to decide per channel at call time.
 */
export function wrapChannelMethod(method: ChannelMethod, original: AnyFunction, resolve: TelemetryResolver, confirm?: boolean): AnyFunction {
  switch (method) {
    case 'publish':
      return wrapPublish(original, resolve, confirm);
    case 'consume':
      return wrapConsume(original, resolve);
    case 'get':
      return wrapGet(original, resolve);
    default:
      return wrapSettle(method, original, resolve);
  }
}

/** Telemetry of an explicit wrapper: its own tracer provider, else the global one at call time. */
export function telemetryFromOptions(options: MessagingInstrumentationOptions): AmqpTelemetry {
  const provider = options.tracerProvider;
  if (provider) {
    const tracer = provider.getTracer(INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION);
    return { options, tracer: () => tracer };
  }
  // Looked up per call: the application may register its provider after wrapping the connection.
  return { options, tracer: () => trace.getTracer(INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION) };
}
