/**
 * Deliveries: one consumer span's handling of each event it consumed.
 *
 * Which events a consumer span consumed, in order of preference:
 * 1. its `messaging.message.id` (Causeway SDK, and plain instrumentations of brokers with ids);
 *    decided by the span alone, so the answer never changes as other spans arrive;
 * 2. otherwise its parent span, when that parent published one message (plain OpenTelemetry:
 *    the consumer continues the producer's trace), together with
 * 3. every link that points at a producer span (batch consumers, and consumers that start a new
 *    trace and link to the producer). Links to spans not stored yet count once they arrive: the
 *    correlator re-derives the linking span then.
 * Rules 2 and 3 only ever add events as spans arrive, which is what makes the result independent
 * of arrival order (the store never deletes a record).
 */
import { spanKey, type SpanRecord } from '../model/span.js';
import type { DeliveryOutcome, DeliveryRecord } from '../store/store.js';
import { eventIdOf, isEventProducer } from './events.js';
import { compareSpans, type SpanIndex } from './span-index.js';
import {
  consumerGroup,
  destinationName,
  eventType,
  messageId,
  messagingRole,
  messagingSystem,
  operationType,
  pickAttributes,
  publishedAtHint,
  recordedSettleOperation,
  settleOperation,
  settleRequeue,
  timeInQueueHint,
} from './span-roles.js';

/** How a consumer span was tied to an event. */
export type ConsumedVia = 'message-id' | 'parent' | 'link';

export interface ConsumedEvent {
  eventId: string;
  via: ConsumedVia;
  /** The event's (canonical) producer span, when loaded. */
  producer?: SpanRecord;
}

const DELIVERY_ATTRIBUTES = [
  'messaging.operation.type',
  'messaging.batch.message_count',
  'messaging.destination.partition.id',
  'messaging.kafka.offset',
  'messaging.kafka.message.key',
  'messaging.rabbitmq.destination.routing_key',
  'error.type',
  'causeway.message.redelivered',
  'causeway.context.dropped_reason',
  'causeway.dead_letter.count',
  'causeway.dead_letter.reason',
  'causeway.dead_letter.original_queue',
  'causeway.dead_letter.original_exchange',
] as const;

/** Settle spans are looked for this many levels below the consumer span (handler spans in between). */
const MAX_SETTLE_DEPTH = 4;
/** And among at most this many descendants, so a huge handler subtree costs little. */
const MAX_SETTLE_SCAN = 500;

export function consumedEvents(consumer: SpanRecord, index: SpanIndex): ConsumedEvent[] {
  const id = messageId(consumer);
  if (id !== undefined) return [withProducer({ eventId: id, via: 'message-id' }, index.canonicalProducer(id))];

  const found = new Map<string, ConsumedEvent>();
  const parent = index.parentOf(consumer);
  if (parent && isEventProducer(parent)) {
    const eventId = eventIdOf(parent);
    found.set(eventId, withProducer({ eventId, via: 'parent' }, canonicalOf(parent, index)));
  }
  for (const link of consumer.links) {
    const target = index.get(link.traceId, link.spanId);
    if (!target || !isEventProducer(target)) continue;
    const eventId = eventIdOf(target);
    if (!found.has(eventId)) found.set(eventId, withProducer({ eventId, via: 'link' }, canonicalOf(target, index)));
  }
  return [...found.values()];
}

/** The span whose start is the event's publish time (see `SpanIndex.canonicalProducer`). */
function canonicalOf(producer: SpanRecord, index: SpanIndex): SpanRecord {
  const id = messageId(producer);
  return (id !== undefined ? index.canonicalProducer(id) : undefined) ?? producer;
}

function withProducer(consumed: ConsumedEvent, producer: SpanRecord | undefined): ConsumedEvent {
  if (producer) consumed.producer = producer;
  return consumed;
}

/**
 * The span recording a delivery's settlement: a settle span below the consumer span (normally its
 * child; the ack may sit under handler spans), not below another consumer or producer span; when
 * several exist the last one to end is the final word. Without one, the consumer span itself when
 * it carries the settlement as attributes (`causeway.settle.operation`, what the Causeway amqplib
 * adapter records by default); `settleOperation` and `settleRequeue` read either kind alike.
 */
export function findSettlement(consumer: SpanRecord, index: SpanIndex): SpanRecord | undefined {
  return findSettleSpan(consumer, index) ?? (recordedSettleOperation(consumer) !== undefined ? consumer : undefined);
}

function findSettleSpan(consumer: SpanRecord, index: SpanIndex): SpanRecord | undefined {
  let latest: SpanRecord | undefined;
  let frontier: readonly SpanRecord[] = [consumer];
  let scanned = 0;
  for (let depth = 0; depth < MAX_SETTLE_DEPTH && frontier.length > 0 && scanned < MAX_SETTLE_SCAN; depth++) {
    const next: SpanRecord[] = [];
    for (const span of frontier) {
      for (const child of index.childrenOf(span)) {
        if (++scanned > MAX_SETTLE_SCAN) break;
        const role = messagingRole(child);
        if (role === 'settle') {
          if (!latest || child.endTime > latest.endTime || (child.endTime === latest.endTime && compareSpans(child, latest) > 0)) latest = child;
        } else if (role === 'other') {
          next.push(child);
        }
      }
    }
    frontier = next;
  }
  return latest;
}

/**
 * What the settlement says about the message, or undefined when it says nothing (an ack, or an
 * operation we do not know). A negative settlement (nack/reject) only counts as `retried` when
 * the span says the broker was asked to requeue (`causeway.settle.requeue` = true); otherwise the
 * message left the queue for good: dead-lettered, or dropped when no dead-letter exchange exists.
 */
export function settlementOutcome(settle: SpanRecord): 'retried' | 'dead-lettered' | 'ok' | undefined {
  const operation = settleOperation(settle);
  switch (operation) {
    case 'ack':
    case 'accept':
    case 'complete':
      return 'ok';
    case 'abandon':
    case 'release':
      return 'retried';
    case 'dead_letter':
    case 'deadletter':
      return 'dead-lettered';
    case 'nack':
    case 'reject':
      return settleRequeue(settle) === true ? 'retried' : 'dead-lettered';
    default:
      return undefined;
  }
}

/**
 * Outcome of a delivery. A retry or dead-lettering recorded by the settlement wins, since it is
 * what happened to the message; then a failed process span is an error; otherwise the message was
 * handled: `ok`. Exported spans have always ended, so a process span without a settle span (every
 * plain SDK, every Kafka consumer) is `ok` unless it failed; if a settle span arrives later the
 * delivery is re-derived.
 */
export function deliveryOutcome(consumer: SpanRecord, settle: SpanRecord | undefined): DeliveryOutcome {
  const settled = settle ? settlementOutcome(settle) : undefined;
  if (settled === 'retried' || settled === 'dead-lettered') return settled;
  if (consumer.statusCode === 'error') return 'error';
  return 'ok';
}

/**
 * Milliseconds the message waited: from the producer span's start when it is loaded, else from
 * what the consumer recorded. Only single-message spans use the consumer's hints (a batch span's
 * hint cannot be told apart per message). Clamped at 0: a negative wait is clock skew between hosts.
 */
export function queueTime(consumer: SpanRecord, producer: SpanRecord | undefined, singleMessage: boolean): number | undefined {
  let queueMs: number | undefined;
  if (producer) queueMs = consumer.startTime - producer.startTime;
  else if (singleMessage) {
    const inQueue = timeInQueueHint(consumer);
    const publishedAt = publishedAtHint(consumer);
    if (inQueue !== undefined) queueMs = inQueue;
    else if (publishedAt !== undefined) queueMs = consumer.startTime - publishedAt;
  }
  return queueMs === undefined ? undefined : Math.max(0, queueMs);
}

export function deriveDeliveries(consumer: SpanRecord, index: SpanIndex): DeliveryRecord[] {
  if (messagingRole(consumer) !== 'consumer') return [];
  const consumed = consumedEvents(consumer, index);
  if (consumed.length === 0) return [];

  const settle = findSettlement(consumer, index);
  const outcome = deliveryOutcome(consumer, settle);
  const base = pickAttributes(consumer, DELIVERY_ATTRIBUTES);
  base['span.name'] = consumer.name;
  if (operationType(consumer) === undefined) base['messaging.operation.type'] = 'process';
  const type = eventType(consumer);
  if (type !== undefined) base['causeway.event.type'] = type;
  if (settle) base['causeway.settle.operation'] = settleOperation(settle);
  if (consumer.statusCode === 'error' && consumer.statusMessage) base['status.message'] = consumer.statusMessage;
  const group = consumerGroup(consumer);
  const system = messagingSystem(consumer);
  const destination = destinationName(consumer);
  if (destination !== undefined) base['messaging.destination.name'] = destination;

  return consumed.map(({ eventId, via, producer }) => {
    const delivery: DeliveryRecord = {
      id: `${eventId}|${spanKey(consumer.traceId, consumer.spanId)}`,
      eventId,
      service: consumer.service,
      outcome,
      receivedAt: consumer.startTime,
      processedAt: consumer.endTime,
      durationMs: consumer.durationMs,
      traceId: consumer.traceId,
      spanId: consumer.spanId,
      attributes: { ...base, 'causeway.correlation.via': via },
    };
    if (group !== undefined) delivery.group = group;
    if (system !== undefined) delivery.system = system;
    // Topology joins producers and consumers on the destination. RabbitMQ consumers name theirs
    // `{exchange}:{routing key}:{queue}` where producers say `{exchange}:{routing key}`, so a
    // delivery takes its event's destination once the producer span is known; the consumer's own
    // name stays in its attributes and the queue in `group`.
    const eventDestination = producer ? destinationName(producer) : undefined;
    if ((eventDestination ?? destination) !== undefined) delivery.destination = eventDestination ?? destination;
    const queueMs = queueTime(consumer, producer, consumed.length === 1);
    if (queueMs !== undefined) delivery.queueMs = queueMs;
    return delivery;
  });
}
