/**
 * Dead-letter records from spans. Two sources describe the same dead letter:
 * (a) the failing consumer's settlement: a delivery whose outcome is `dead-lettered` (reject or nack
 *     without requeue); it knows the consumer service and the error as thrown;
 * (b) the dead-letter copy: a span (normally the DLQ / DLT consumer's) carrying `causeway.dead_letter.*`
 *     facts from a broker or framework convention; it knows the dead-letter destination, the
 *     broker's reason, the origin partition/offset and the attempts.
 * Both give the record id `<eventId>|<origin group>`; `mergeDeadLetters` combines candidates in a
 * fixed order (not arrival order), so the same spans always give the same record.
 */
import { errorFingerprint } from '@causeway/instrumentation';
import { numberAttr, spanKey, stringAttr, type SpanRecord } from '../model/span.js';
import { consumedEvents, deliveryOutcome, findSettlement } from '../correlation/deliveries.js';
import type { SpanIndex } from '../correlation/span-index.js';
import { consumerGroup, destinationName, eventType, messagingRole, messagingSystem, settleOperation } from '../correlation/span-roles.js';
import type { DeadLetterReason, DeadLetterRecord } from './types.js';
import { attemptsOf, capturedPayload, copyConvention, copyFailure, copyReason, DL, spanFailure, timeAttr, type ErrorFacts } from './span-facts.js';

export function deadLetterId(eventId: string, group: string): string {
  return `${eventId}|${group}`;
}

/** Every dead-letter candidate one span gives (settlement, copy, or both for a DLQ consumer that rejects again). */
export function deriveDeadLetters(span: SpanRecord, index: SpanIndex): DeadLetterRecord[] {
  if (messagingRole(span) !== 'consumer') return [];
  return [...fromSettlement(span, index), ...fromCopy(span, index)];
}

/** Candidates with the same id merged; output ordered by id. */
export function mergeAll(candidates: readonly DeadLetterRecord[]): DeadLetterRecord[] {
  const byId = new Map<string, DeadLetterRecord[]>();
  for (const candidate of candidates) {
    const list = byId.get(candidate.id);
    if (list) list.push(candidate);
    else byId.set(candidate.id, [candidate]);
  }
  return [...byId.keys()].sort().map((id) => {
    const sorted = (byId.get(id) ?? []).slice().sort(primaryFirst);
    return sorted.slice(1).reduce((merged, next) => fill(merged, next), clone(sorted[0] as DeadLetterRecord));
  });
}

/** Two records of the same id as one, whichever is passed first. */
export function mergeDeadLetters(a: DeadLetterRecord, b: DeadLetterRecord): DeadLetterRecord {
  const [primary, secondary] = primaryFirst(a, b) <= 0 ? [a, b] : [b, a];
  return fill(clone(primary), secondary);
}

function fromSettlement(consumer: SpanRecord, index: SpanIndex): DeadLetterRecord[] {
  const settle = findSettlement(consumer, index);
  if (deliveryOutcome(consumer, settle) !== 'dead-lettered') return [];
  const at = settle ? settle.endTime : consumer.endTime;
  const reason: DeadLetterReason = settle && ['dead_letter', 'deadletter'].includes(settleOperation(settle)) ? 'error' : 'rejected';
  const group = consumerGroup(consumer) ?? destinationName(consumer) ?? '';
  const failure = spanFailure(consumer);
  const attempts = attemptsOf(consumer) ?? 1;
  return consumedEvents(consumer, index).map(({ eventId, producer }) => {
    const record = baseRecord(consumer, eventId, group, producer ?? index.canonicalProducer(eventId), failure, at);
    record.origin.destination = destinationName(consumer) ?? (producer ? destinationName(producer) : undefined) ?? group;
    record.origin.service = consumer.service;
    setPosition(record.origin, consumer);
    record.deadLetter = { reason, convention: 'settlement' };
    record.attempts = attempts;
    record.firstFailureAt = timeAttr(consumer, DL.firstFailureAt) ?? at;
    record.lastFailureAt = at;
    return record;
  });
}

function fromCopy(copy: SpanRecord, index: SpanIndex): DeadLetterRecord[] {
  const convention = copyConvention(copy);
  if (!convention) return [];
  const original = stringAttr(copy.attributes, DL.originalEventId);
  const eventIds = original !== undefined ? [original] : consumedEvents(copy, index).map(({ eventId }) => eventId);
  const originQueue = stringAttr(copy.attributes, DL.deathQueue);
  const group = stringAttr(copy.attributes, DL.originGroup) ?? originQueue ?? '';
  const lastFailureAt = timeAttr(copy, DL.lastFailureAt);
  const at = lastFailureAt ?? copy.startTime;
  const failure = copyFailure(copy);
  const system = messagingSystem(copy);
  // RabbitMQ consumers name their destination `{exchange}:{routing key}:{queue}`; the DLQ is the queue.
  const deadLetterDestination = (system === 'rabbitmq' ? consumerGroup(copy) : undefined) ?? destinationName(copy);
  return eventIds.map((eventId) => {
    const record = baseRecord(copy, eventId, group, index.canonicalProducer(eventId), failure, at);
    record.origin.destination = stringAttr(copy.attributes, DL.originDestination) ?? originQueue ?? '';
    const partition = numberAttr(copy.attributes, DL.originPartition);
    if (partition !== undefined && Number.isInteger(partition)) record.origin.partition = partition;
    const offset = stringAttr(copy.attributes, DL.originOffset);
    if (offset !== undefined && /^\d{1,20}$/.test(offset)) record.origin.offset = offset;
    record.deadLetter = { reason: copyReason(copy, convention), convention };
    if (deadLetterDestination !== undefined) record.deadLetter.destination = deadLetterDestination;
    const republisher = republisherOf(copy, index);
    if (republisher) record.origin.service = republisher.service;
    setPosition(record.deadLetter, copy);
    record.attempts = attemptsOf(copy) ?? 1;
    const firstFailureAt = timeAttr(copy, DL.firstFailureAt);
    if (firstFailureAt !== undefined) record.firstFailureAt = firstFailureAt;
    if (lastFailureAt !== undefined) record.lastFailureAt = lastFailureAt;
    return record;
  });
}

/**
 * The span that published this copy to the dead-letter destination, when it is in the index: an
 * application's republish (the SDK's helper, Spring's DLT publisher), made by the consumer that
 * failed. A broker's own dead-lettering (RabbitMQ DLX) has no such span: the copy's parent is then
 * the original send, to another destination, and is not taken.
 */
function republisherOf(copy: SpanRecord, index: SpanIndex): SpanRecord | undefined {
  const parent = index.parentOf(copy);
  if (!parent || messagingRole(parent) !== 'producer') return undefined;
  return destinationName(parent) === destinationName(copy) ? parent : undefined;
}

function baseRecord(
  span: SpanRecord,
  eventId: string,
  group: string,
  producer: SpanRecord | undefined,
  failure: ErrorFacts,
  at: number,
): DeadLetterRecord {
  const record: DeadLetterRecord = {
    id: deadLetterId(eventId, group),
    eventId,
    origin: { destination: '', group },
    deadLetter: { reason: 'unknown', convention: 'settlement' },
    error: { fingerprint: fingerprintOf(failure) },
    producer: {},
    attempts: 1,
    deadLetteredAt: at,
    traceId: span.traceId,
    spanId: span.spanId,
  };
  if (failure.type !== undefined) record.error.type = failure.type;
  if (failure.message !== undefined) record.error.message = failure.message;
  if (failure.stack !== undefined) record.error.stack = failure.stack;
  const type = (producer ? eventType(producer) : undefined) ?? eventType(span);
  if (type !== undefined) record.eventType = type;
  const system = messagingSystem(span) ?? (producer ? messagingSystem(producer) : undefined);
  if (system !== undefined) record.system = system;
  if (producer) {
    record.producer.service = producer.service;
    const version = stringAttr(producer.resource, 'service.version');
    if (version !== undefined) record.producer.version = version;
  }
  Object.assign(record, capturedPayload(span));
  return record;
}

function fingerprintOf(failure: ErrorFacts): string {
  if (failure.fingerprint !== undefined && /^[0-9a-f]{1,64}$/i.test(failure.fingerprint)) return failure.fingerprint.toLowerCase();
  if (failure.type === undefined && failure.message === undefined) return 'unknown';
  return errorFingerprint(failure.type, failure.message);
}

/** Kafka partition and offset of the message this span consumed. */
function setPosition(target: { partition?: number; offset?: string }, span: SpanRecord): void {
  const partition = numberAttr(span.attributes, 'messaging.destination.partition.id');
  if (partition !== undefined && Number.isInteger(partition) && partition >= 0) target.partition = partition;
  const offset = stringAttr(span.attributes, 'messaging.kafka.offset');
  if (offset !== undefined && /^\d{1,20}$/.test(offset)) target.offset = offset;
}

/**
 * Which candidate leads a merge: one that knows the failing consumer (a settlement) first, then the
 * newest (a message dead-lettered again after a redrive reports its latest failure), then by span.
 */
function primaryFirst(a: DeadLetterRecord, b: DeadLetterRecord): number {
  const knowsConsumer = Number(b.origin.service !== undefined) - Number(a.origin.service !== undefined);
  if (knowsConsumer !== 0) return knowsConsumer;
  if (a.deadLetteredAt !== b.deadLetteredAt) return b.deadLetteredAt - a.deadLetteredAt;
  const ka = spanKey(a.traceId, a.spanId);
  const kb = spanKey(b.traceId, b.spanId);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** The primary's facts, completed with what only the other knows. */
function fill(primary: DeadLetterRecord, other: DeadLetterRecord): DeadLetterRecord {
  const merged = primary;
  merged.eventType ??= other.eventType;
  merged.system ??= other.system;
  if (merged.eventType === undefined) delete merged.eventType;
  if (merged.system === undefined) delete merged.system;
  // The copy's provenance names the origin as the producer of the copy saw it; prefer it.
  if (merged.deadLetter.convention === 'settlement' && other.deadLetter.convention !== 'settlement' && other.origin.destination !== '') {
    merged.origin.destination = other.origin.destination;
  }
  if (merged.origin.destination === '') merged.origin.destination = other.origin.destination;
  if (merged.origin.partition === undefined && other.origin.partition !== undefined) merged.origin.partition = other.origin.partition;
  if (merged.origin.offset === undefined && other.origin.offset !== undefined) merged.origin.offset = other.origin.offset;
  if (merged.origin.service === undefined && other.origin.service !== undefined) merged.origin.service = other.origin.service;
  if (merged.deadLetter.convention === 'settlement' && other.deadLetter.convention !== 'settlement') {
    const reason = other.deadLetter.reason === 'unknown' ? merged.deadLetter.reason : other.deadLetter.reason;
    merged.deadLetter = { ...other.deadLetter, reason };
  } else if (merged.deadLetter.reason === 'unknown') {
    merged.deadLetter.reason = other.deadLetter.reason;
  }
  if (merged.error.type === undefined && merged.error.message === undefined) merged.error = { ...other.error };
  else if (merged.error.stack === undefined && other.error.stack !== undefined) merged.error.stack = other.error.stack;
  if (merged.producer.service === undefined && other.producer.service !== undefined) merged.producer.service = other.producer.service;
  if (merged.producer.version === undefined && other.producer.version !== undefined) merged.producer.version = other.producer.version;
  merged.attempts = Math.max(merged.attempts, other.attempts);
  merged.firstFailureAt = minDefined(merged.firstFailureAt, other.firstFailureAt);
  merged.lastFailureAt = maxDefined(merged.lastFailureAt, other.lastFailureAt);
  if (merged.firstFailureAt === undefined) delete merged.firstFailureAt;
  if (merged.lastFailureAt === undefined) delete merged.lastFailureAt;
  merged.deadLetteredAt = Math.max(merged.deadLetteredAt, other.deadLetteredAt);
  if (merged.payload === undefined && other.payload !== undefined) {
    merged.payload = other.payload;
    if (other.payloadTruncated !== undefined) merged.payloadTruncated = other.payloadTruncated;
  }
  if (merged.headers === undefined && other.headers !== undefined) merged.headers = { ...other.headers };
  return merged;
}

function clone(record: DeadLetterRecord): DeadLetterRecord {
  return structuredClone(record);
}

function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.min(a, b);
}

function maxDefined(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.max(a, b);
}
