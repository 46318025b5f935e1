/** Public types of the adapter for brokers Causeway does not patch (NATS, SQS, in-house buses). */
import type { TracerProvider } from '@opentelemetry/api';
import type { EventTypeOptions, MessageInfo, PayloadCaptureOptions } from '../types.js';

/** Header bag of a message as your broker client holds it: string, Buffer or number values. */
export type MessageHeaders = Record<string, unknown>;

/** What the adapter knows about a message when it asks you for its event type (`system` is yours). */
export type CustomMessageInfo = MessageInfo;

/** Same options as the Kafka and RabbitMQ adapters take. */
export type CustomEventTypeOptions = EventTypeOptions;

export interface CustomMessagingOptions {
  /**
   * `messaging.system` of every span, e.g. `nats`, `aws_sqs`, or your own bus's name. Use the
   * OpenTelemetry well-known value when there is one.
   */
  system: string;
  /** Tracer provider to use instead of the global one (several services in one process, tests). */
  tracerProvider?: TracerProvider;
  /** How the event type of a published or consumed message is found. */
  eventType?: CustomEventTypeOptions;
  /** Header values longer than this many bytes are ignored as context. Default 8192. */
  maxHeaderBytes?: number;
  /** Opt-in, redacted, size-capped capture of bodies and headers on send and process spans (see `MessagingInstrumentationOptions`). */
  capturePayload?: boolean | PayloadCaptureOptions;
  /** `server.address` / `server.port` of the broker, recorded on every span when set. */
  serverAddress?: string;
  serverPort?: number;
}

/** A message about to be published. */
export interface OutgoingMessage {
  /** The headers you will send; never mutated (the adapter hands `send` a copy). */
  headers?: MessageHeaders;
  /** The payload, used for `messaging.message.body.size` and the event type lookup. */
  body?: unknown;
  /**
   * The broker's or your own message id. Becomes the event id when no `causeway-event-id` header is
   * present; otherwise the adapter mints one and writes it to that header.
   */
  id?: string;
}

/** What `send` receives: the headers to put on the wire, with trace context and event id. */
export interface PublishContext {
  headers: MessageHeaders;
  /** The event id of this message (`messaging.message.id`); undefined only if instrumenting failed. */
  eventId: string | undefined;
}

/** A message as your consumer received it. Pass the same object to `process` and `settle`. */
export interface IncomingDelivery {
  destination: string;
  /** Consumer group, subscription or queue whose consumers compete for this message. */
  group?: string;
  headers?: MessageHeaders | null;
  body?: unknown;
  /** Native message id, used when the message carries no `causeway-event-id` header. */
  id?: string;
  /** The broker marked this as a redelivery. */
  redelivered?: boolean;
  /** 1 for the first delivery, 2 for the first retry, … */
  attempt?: number;
  /** When the producer published it, epoch milliseconds, if the broker says. */
  publishedAtMs?: number;
}

export type SettleOutcome = 'ack' | 'nack' | 'reject';

export interface MessagingInstrumentation {
  /**
   * Publish one message inside a PRODUCER span `send <destination>`. `send` gets the headers to
   * send (a copy of yours plus `traceparent` and `causeway-event-id`); when it returns a promise,
   * the span ends when that settles, failed if it rejects. Whatever `send` returns or throws is
   * passed through unchanged.
   */
  publish<R>(destination: string, message: OutgoingMessage, send: (publish: PublishContext) => R): R;
  /**
   * Handle one delivery inside a CONSUMER span `process <destination>`, child of the producer's
   * span. The handler runs with that span and the message's event id active, so messages it
   * publishes name this one as their cause. Its errors are recorded on the span and rethrown.
   */
  process<R>(delivery: IncomingDelivery, handler: () => R | Promise<R>): Promise<R>;
  /**
   * Record how the delivery was settled: a CLIENT span `<outcome> <destination>` under its process
   * span. `requeue` says whether the broker was asked to deliver it again (nack/reject only); a
   * negative settlement without requeue means the message left the queue (dead-lettered or dropped).
   */
  settle(delivery: IncomingDelivery, outcome: SettleOutcome, requeue?: boolean): void;
}
