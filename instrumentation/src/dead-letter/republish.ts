/**
 * Republishing a failed message to a retry or dead-letter destination, per client library.
 *
 * Both helpers do the three things a hand-written republish tends to miss: stamp the provenance
 * headers (`deadLetterHeaders`), mark the failing process span failed (when the handler caught the
 * error), and publish inside that span's context, so the copy's send span is its child and the
 * consumer of the copy continues the same trace. They publish through the producer / channel you
 * pass; when that is instrumented by Causeway, the copy gets its send span.
 */
import { guard } from '../core/guard.js';
import type { HeaderBag } from '../core/headers.js';
import { runWithMessageContext } from '../core/message-context.js';
import { deliveryFacts } from './delivery-facts.js';
import { recordMessageFailure } from './failure.js';
import { deadLetterHeaders, type DeadLetterFailure, type DeadLetterOrigin } from './provenance.js';

/** A consumed kafkajs message: what `eachMessage` / `eachBatch` hand the handler. */
export interface KafkaMessageLike {
  key?: unknown;
  value?: unknown;
  offset?: unknown;
  headers?: unknown;
}

export interface KafkaProducerLike<R> {
  // `any` on purpose: kafkajs's own record type (Buffer | string | null fields) must fit this shape.
  send(record: { topic: string; messages: Array<{ key?: any; value: any; headers?: any }> }): R;
}

export interface KafkaDeadLetterOptions extends DeadLetterFailure {
  /** The retry or dead-letter topic, e.g. `${topic}.DLT`. */
  topic: string;
  /** The failed message and where it was consumed; the `eachMessage` payload itself fits. */
  from: { topic: string; partition?: number; message: KafkaMessageLike };
  /** Consumer group that failed. Default: the group of the instrumented consumer that delivered the message. */
  groupId?: string;
}

/**
 * Sends the failed message (same key and value, original headers plus provenance) to
 * `options.topic` and returns what `producer.send` returns. Partition is left to the partitioner.
 */
export function sendKafkaDeadLetter<R>(producer: KafkaProducerLike<R>, options: KafkaDeadLetterOptions): R {
  const { message } = options.from;
  const facts = deliveryFacts(message);
  const headers =
    guard('kafka dead-letter headers', () =>
      deadLetterHeaders({
        headers: asHeaderBag(message.headers),
        origin: withoutUndefined({
          destination: options.from.topic,
          partition: options.from.partition,
          offset: typeof message.offset === 'string' || typeof message.offset === 'number' ? message.offset : undefined,
          group: options.groupId ?? facts?.origin.group,
        }),
        ...failureOf(options, facts?.hopAttempt, facts?.firstFailureAt),
      }),
    ) ?? { ...asHeaderBag(message.headers) };
  recordMessageFailure(message, options.error);
  return runWithMessageContext(message, () => producer.send({ topic: options.topic, messages: [{ key: message.key, value: message.value, headers }] }));
}

/** A consumed amqplib message (`consume` callback argument or `get` result). */
export interface AmqpMessageLike {
  content: unknown;
  fields?: unknown;
  properties?: unknown;
}

export interface AmqpChannelLike<R> {
  publish(exchange: string, routingKey: string, content: never, options?: Record<string, unknown>): R;
}

export interface AmqpDeadLetterOptions extends DeadLetterFailure {
  /** Where to publish the copy: a dead-letter exchange, or `''` with the queue name as routing key. */
  exchange: string;
  routingKey: string;
  /** The failed message, and the queue it was consumed from (default: the queue Causeway saw it delivered from). */
  from: { message: AmqpMessageLike; queue?: string };
}

/**
 * Publishes the failed message (same body and properties, original headers plus provenance) and
 * returns what `channel.publish` returns. `expiration` and `userId` are not copied: the copy should
 * not expire in the dead-letter queue, and the broker refuses a `userId` other than the channel's.
 */
export function publishAmqpDeadLetter<R>(channel: AmqpChannelLike<R>, options: AmqpDeadLetterOptions): R {
  const { message } = options.from;
  const facts = deliveryFacts(message);
  const properties = isRecord(message.properties) ? message.properties : {};
  const publishOptions: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(properties)) {
    if (value !== undefined && key !== 'headers' && key !== 'expiration' && key !== 'userId') publishOptions[key] = value;
  }
  const queue = options.from.queue ?? facts?.origin.destination;
  const messageId = typeof properties['messageId'] === 'string' ? properties['messageId'] : undefined;
  publishOptions['headers'] =
    guard('amqp dead-letter headers', () =>
      deadLetterHeaders({
        headers: asHeaderBag(properties['headers']),
        origin: withoutUndefined({ destination: queue ?? '', group: queue }),
        ...(messageId !== undefined ? { eventId: messageId } : {}),
        ...failureOf(options, facts?.hopAttempt, facts?.firstFailureAt),
      }),
    ) ?? { ...asHeaderBag(properties['headers']) };
  recordMessageFailure(message, options.error);
  return runWithMessageContext(message, () => channel.publish(options.exchange, options.routingKey, message.content as never, publishOptions));
}

function failureOf(options: DeadLetterFailure, hopAttempt: number | undefined, firstFailureAt: number | undefined): DeadLetterFailure {
  const failure: DeadLetterFailure = { error: options.error };
  const attempts = options.attempts ?? hopAttempt;
  if (attempts !== undefined) failure.attempts = attempts;
  const first = options.firstFailureAt ?? firstFailureAt;
  if (first !== undefined) failure.firstFailureAt = first;
  if (options.kind !== undefined) failure.kind = options.kind;
  return failure;
}

function asHeaderBag(headers: unknown): HeaderBag {
  return isRecord(headers) ? headers : {};
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function withoutUndefined(origin: { destination: string; partition?: number | undefined; offset?: string | number | undefined; group?: string | undefined }): DeadLetterOrigin {
  const out: DeadLetterOrigin = { destination: origin.destination };
  if (origin.partition !== undefined) out.partition = origin.partition;
  if (origin.offset !== undefined) out.offset = origin.offset;
  if (origin.group !== undefined) out.group = origin.group;
  return out;
}
