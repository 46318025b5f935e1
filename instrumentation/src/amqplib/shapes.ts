/**
 * The parts of amqplib objects the adapter reads, typed structurally. amqplib is not a runtime
 * dependency of the SDK (users bring their own version), so nothing here imports it; every field
 * is optional because we read values a user or another library may have left out or replaced.
 */
import type { Context, Span, Tracer } from '@opentelemetry/api';
import type { MessagingInstrumentationOptions } from '../types.js';
import type { DestinationName } from './destination.js';

// amqplib methods take and return anything; the wrappers forward arguments untouched.
export type AnyFunction = (this: any, ...args: any[]) => any;

export interface AmqpMessageFields {
  deliveryTag?: unknown;
  redelivered?: unknown;
  exchange?: unknown;
  routingKey?: unknown;
}

export interface AmqpMessageProperties {
  headers?: unknown;
  messageId?: unknown;
  correlationId?: unknown;
  type?: unknown;
  timestamp?: unknown;
}

/** A delivered message (`consume` callback argument or `get` result). */
export interface AmqpMessage {
  content?: unknown;
  fields?: AmqpMessageFields | null;
  properties?: AmqpMessageProperties | null;
}

/** The socket amqplib keeps on its connection, for `server.address` / `server.port`. */
interface AmqpSocket {
  remoteAddress?: unknown;
  remotePort?: unknown;
  servername?: unknown;
}

/** A channel or confirm channel of either API; methods are looked up by name. */
export interface AmqpChannel {
  connection?: { stream?: AmqpSocket | null } | null;
  once?: (event: string, listener: () => void) => unknown;
  waitForConfirms?: unknown;
  [method: string]: unknown;
}

/** What a wrapper needs to create spans: a tracer (resolved per call) and the user's options. */
export interface AmqpTelemetry {
  tracer(): Tracer;
  readonly options: MessagingInstrumentationOptions;
}

/** Finds the telemetry for a channel at call time; undefined means "pass the call through". */
export type TelemetryResolver = (channel: AmqpChannel) => AmqpTelemetry | undefined;

/** One consumed message whose process/receive span is open. */
export interface Delivery {
  readonly span: Span;
  /** Context of the process span, with the message's event id. Parent of its settle span. */
  readonly context: Context;
  readonly deliveryTag: number | undefined;
  /** Destination of the delivery, repeated on its settle span. */
  readonly destination: DestinationName;
  readonly queue: string;
  readonly eventId: string | undefined;
  readonly telemetry: AmqpTelemetry;
  /** False while the consume callback (or the promise it returned) is still running. */
  handlerDone: boolean;
  /** True once an ack/nack/reject covering it was sent, or when no settlement is expected. */
  settled: boolean;
  ended: boolean;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
