/**
 * What the shop's services need from a broker, so the same services run over the in-process
 * broker, Kafka or RabbitMQ. Each implementation instruments its client with the Causeway SDK.
 */
import { SpanStatusCode, trace, type TracerProvider } from '@opentelemetry/api';

/** A consumed message as the shop's handlers see it. */
export interface ShopMessage {
  eventType: string;
  body: unknown;
  /** 1 for the first delivery to this consumer group, then +1 per retry. */
  attempt: number;
}

export type ShopHandler = (message: ShopMessage) => Promise<void>;

export interface SubscribeOptions {
  /** Makes this consumer deliberately slow (the demo's one lagging consumer). */
  slow?: boolean;
}

/** One service's connection: publishes and consumes with that service's tracer provider. */
export interface ServiceConnection {
  publish(stream: string, eventType: string, body: unknown): Promise<void>;
  /**
   * Consumes `stream` as a member of `group`. A handler that throws is retried with back-off; after
   * `maxAttempts` deliveries the message is dead-lettered.
   */
  subscribe(stream: string, group: string, handler: ShopHandler, options?: SubscribeOptions): Promise<void>;
  /** Stops consuming, waiting for running handlers, and releases the client. */
  close(): Promise<void>;
}

export interface ShopTransport {
  /** `messaging.system` the services' spans will carry, for logs. */
  readonly system: string;
  /** Creates the streams (topics, exchanges, queues) before the services start. */
  prepare(streams: readonly string[]): Promise<void>;
  connect(serviceName: string, tracerProvider: TracerProvider): Promise<ServiceConnection>;
  close(): Promise<void>;
}

export const HEADER_EVENT_TYPE = 'causeway-event-type';

/** Options every transport takes. */
export interface TransportOptions {
  /** Prefix of every topic, exchange, queue and group name, so runs do not share state. */
  prefix?: string;
  /** Deliveries of one message to one group before it is dead-lettered. Default 3. */
  maxAttempts?: number;
  /** Extra time the slow consumer takes per message. Default 300 ms: just under the pace of the default order rate, so it lags at bursts without falling behind for good. */
  slowConsumerMs?: number;
}

export const DEFAULT_MAX_ATTEMPTS = 3;
export const DEFAULT_SLOW_CONSUMER_MS = 300;

export function parseBody(raw: string | Buffer | null | undefined): unknown {
  if (raw === null || raw === undefined) return null;
  try {
    return JSON.parse(raw.toString());
  } catch {
    // A message that is not JSON reaches the handler as text; the handler decides it is poison.
    return raw.toString();
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * For handlers whose failure the consumer handles itself instead of throwing to the client library
 * (a thrown error there would be an unhandled rejection): mark the active process span failed.
 */
export function recordHandlerFailure(err: unknown): void {
  const span = trace.getActiveSpan();
  if (!span) return;
  span.recordException(err instanceof Error ? err : String(err));
  span.setAttribute('error.type', err instanceof Error ? err.name : '_OTHER');
  span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
}
