/**
 * Test fixtures: spans of dead-lettered messages as the SDK records them, per convention. The
 * failing consumer and the dead-letter consumer sit in different traces, as they do when the DLQ
 * consumer starts its own trace.
 */
import type { Attributes, SpanRecord } from '../../model/span.js';
import { makeSpan, spanIdOf, traceIdOf } from '../../correlation/testing/chains.js';

export const T0 = Date.UTC(2025, 0, 15, 10, 0, 0);

export interface DeadLetterScenario {
  spans: SpanRecord[];
  eventId: string;
  /** Origin consumer group: the record id is `<eventId>|<group>`. */
  group: string;
}

function producer(seed: number, base: number, system: string, destination: string, eventId: string, version: string): SpanRecord {
  const span = makeSpan({
    traceId: traceIdOf(seed, 1), spanId: spanIdOf(seed, 1), name: `send ${destination}`, kind: 'producer', service: 'orders', start: base, end: base + 3,
    attributes: { 'messaging.system': system, 'messaging.operation.type': 'send', 'messaging.destination.name': destination, 'messaging.message.id': eventId, 'causeway.event.type': 'OrderPlaced' },
  });
  span.resource = { 'service.name': 'orders', 'service.version': version };
  return span;
}

function failingConsumer(seed: number, base: number, attributes: Attributes, error: { type: string; message: string }): SpanRecord {
  const span = makeSpan({
    traceId: traceIdOf(seed, 1), spanId: spanIdOf(seed, 2), parentSpanId: spanIdOf(seed, 1), name: 'process', kind: 'consumer', service: 'payments',
    start: base + 10, end: base + 30, status: 'error', statusMessage: error.message, attributes: { 'messaging.operation.type': 'process', ...attributes },
  });
  span.events = [{ name: 'exception', time: base + 29, attributes: { 'exception.type': error.type, 'exception.message': error.message, 'exception.stacktrace': `${error.type}: ${error.message}\n    at handle (payments.js:1:1)` } }];
  return span;
}

/** RabbitMQ: the consumer rejects without requeue; the broker dead-letters to `payments-dlq`, whose consumer reads x-death. */
export function rabbitReject(seed: number, base = T0, message = `order ${seed} has no customer 4711-${seed}`): DeadLetterScenario {
  const eventId = `rmq-order-${seed}`;
  const rmq = { 'messaging.system': 'rabbitmq', 'messaging.message.id': eventId };
  const spans = [
    producer(seed, base, 'rabbitmq', 'orders-x:placed', eventId, '1.2.3'),
    failingConsumer(seed, base, { ...rmq, 'messaging.destination.name': 'orders-x:placed:payments-q', 'messaging.consumer.group.name': 'payments-q', 'causeway.message.delivery_attempt': 1 }, { type: 'CustomerMissingError', message }),
    makeSpan({
      traceId: traceIdOf(seed, 1), spanId: spanIdOf(seed, 3), parentSpanId: spanIdOf(seed, 2), name: 'reject payments-q', kind: 'client', service: 'payments', start: base + 30, end: base + 31,
      attributes: { ...rmq, 'messaging.operation.type': 'settle', 'messaging.operation.name': 'reject', 'causeway.settle.requeue': false },
    }),
    makeSpan({
      traceId: traceIdOf(seed, 2), spanId: spanIdOf(seed, 4), name: 'process', kind: 'consumer', service: 'dlq-inspector', start: base + 50, end: base + 55,
      attributes: {
        ...rmq, 'messaging.operation.type': 'process', 'messaging.destination.name': 'dlx:placed:payments-dlq', 'messaging.consumer.group.name': 'payments-dlq',
        'causeway.dead_letter.convention': 'rabbitmq', 'causeway.dead_letter.reason': 'rejected', 'causeway.dead_letter.original_queue': 'payments-q',
        'causeway.dead_letter.origin.destination': 'payments-q', 'causeway.dead_letter.origin.group': 'payments-q', 'causeway.dead_letter.attempts': 1,
        'causeway.dead_letter.first_failure_at_ms': base + 31, 'causeway.dead_letter.last_failure_at_ms': base + 31,
      },
    }),
  ];
  return { spans, eventId, group: 'payments-q' };
}

/** Kafka: the consumer fails; a Spring-style DLT copy (kafka_dlt-* headers) is consumed from `orders.DLT`. */
export function springDlt(seed: number, base = T0, convention: 'spring-kafka' | 'kafka-connect' | 'causeway' = 'spring-kafka', extra: Attributes = {}): DeadLetterScenario {
  const eventId = `kafka-order-${seed}`;
  const kafka = { 'messaging.system': 'kafka', 'messaging.message.id': eventId };
  const spans = [
    producer(seed, base, 'kafka', 'orders', eventId, '2.0.0'),
    failingConsumer(seed, base, { ...kafka, 'messaging.destination.name': 'orders', 'messaging.consumer.group.name': 'payments', 'messaging.destination.partition.id': '2', 'messaging.kafka.offset': '41' }, { type: 'TimeoutError', message: `charge ${seed} timed out after 30s` }),
    makeSpan({
      traceId: traceIdOf(seed, 2), spanId: spanIdOf(seed, 4), name: 'process orders.DLT', kind: 'consumer', service: 'dlt-reader', start: base + 80, end: base + 85,
      attributes: {
        ...kafka, 'messaging.operation.type': 'process', 'messaging.destination.name': 'orders.DLT', 'messaging.consumer.group.name': 'dlt-reader',
        'messaging.destination.partition.id': '0', 'messaging.kafka.offset': String(seed),
        'causeway.dead_letter.convention': convention, 'causeway.dead_letter.origin.destination': 'orders', 'causeway.dead_letter.origin.partition': 2,
        'causeway.dead_letter.origin.offset': '41', 'causeway.dead_letter.origin.group': 'payments', 'causeway.dead_letter.attempts': 3,
        'causeway.dead_letter.error.type': 'TimeoutError', 'causeway.dead_letter.error.message': `charge ${seed} timed out after 30s`,
        'causeway.dead_letter.last_failure_at_ms': base + 60, 'causeway.dead_letter.first_failure_at_ms': base + 30,
        ...extra,
      },
    }),
  ];
  return { spans, eventId, group: 'payments' };
}
