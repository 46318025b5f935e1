/**
 * Record builders for the store contract suite (and the store tests). Every builder fills every field, optional ones
 * included, so round trips cover them; pass `undefined`-free overrides to change a field and the
 * `without*` helpers to drop optional ones.
 */
import { randomBytes } from 'node:crypto';
import type { SpanRecord } from '../../model/span.js';
import type { CausalEdgeRecord, DeliveryRecord, EventRecord } from '../store.js';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/**
 * All contract records fall on a few fixed UTC days, so the Elasticsearch store creates a bounded
 * number of daily indices per run.
 */
export const BASE_DAY = Date.UTC(2024, 2, 10);

let windows = 0;
/**
 * Start of a fresh one-hour time window for one test: tests that search or aggregate by time alone
 * do not see each other's records. Windows are hours of the day after next of BASE_DAY, which the
 * fixed-time records (on BASE_DAY and the day after) never reach.
 */
export function freshWindow(): number {
  windows += 1;
  return BASE_DAY + 2 * DAY + (windows % 24) * HOUR;
}

export function traceId(): string {
  return randomBytes(16).toString('hex');
}

export function spanId(): string {
  return randomBytes(8).toString('hex');
}

/** A name no other test uses: services, types, destinations. */
export function tag(prefix: string): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

export function span(overrides: Partial<SpanRecord> = {}): SpanRecord {
  const start = overrides.startTime ?? BASE_DAY + 0.25;
  const base: SpanRecord = {
    traceId: traceId(),
    spanId: spanId(),
    parentSpanId: spanId(),
    name: 'orders publish',
    kind: 'producer',
    startTime: start,
    endTime: start + 12.5,
    startTimeUnixNano: (BigInt(Math.round(start * 1000)) * 1000n).toString(),
    durationMs: 12.5,
    statusCode: 'error',
    statusMessage: 'broker unavailable',
    service: 'orders',
    resource: { 'service.name': 'orders', 'host.name': 'box-1', 'process.pid': 4242 },
    scope: { name: '@causeway/instrumentation', version: '0.1.0' },
    attributes: {
      'messaging.system': 'kafka',
      'messaging.destination.name': 'orders',
      'app.flags': [true, false],
      'app.nested': { depth: { deeper: [1, 'two', null] } },
      'app.nothing': null,
    },
    links: [{ traceId: traceId(), spanId: spanId(), attributes: { 'link.kind': 'batch' } }],
    events: [{ name: 'exception', time: start + 3, attributes: { 'exception.message': 'boom' } }],
  };
  return { ...base, ...overrides };
}

/** The span without any optional field. */
export function bareSpan(overrides: Partial<SpanRecord> = {}): SpanRecord {
  const { parentSpanId: _parent, statusMessage: _message, scope: _scope, ...rest } = span(overrides);
  return { ...rest, statusCode: 'unset', links: [], events: [], ...overrides };
}

export function event(overrides: Partial<EventRecord> = {}): EventRecord {
  const trace = overrides.traceId ?? traceId();
  const spanIdValue = overrides.spanId ?? spanId();
  return {
    id: `${trace}-${spanIdValue}`,
    type: 'OrderPlaced',
    system: 'kafka',
    destination: 'orders',
    producerService: 'orders',
    traceId: trace,
    spanId: spanIdValue,
    publishedAt: BASE_DAY + 0.5,
    sendDurationMs: 4.25,
    sendError: false,
    attributes: { 'messaging.kafka.offset': 17, 'span.name': 'orders publish' },
    ...overrides,
  };
}

export function bareEvent(overrides: Partial<EventRecord> = {}): EventRecord {
  const { type: _type, system: _system, destination: _destination, ...rest } = event(overrides);
  return { ...rest, ...overrides };
}

export function delivery(overrides: Partial<DeliveryRecord> & { eventId: string }): DeliveryRecord {
  const trace = overrides.traceId ?? traceId();
  const spanIdValue = overrides.spanId ?? spanId();
  const receivedAt = overrides.receivedAt ?? BASE_DAY + 10;
  return {
    id: `${overrides.eventId}|${trace}-${spanIdValue}`,
    service: 'payments',
    group: 'payments-group',
    system: 'kafka',
    destination: 'orders',
    outcome: 'ok',
    receivedAt,
    processedAt: receivedAt + 20,
    durationMs: 20,
    queueMs: 9.5,
    traceId: trace,
    spanId: spanIdValue,
    attributes: { 'messaging.consumer.group.name': 'payments-group' },
    ...overrides,
  };
}

export function bareDelivery(overrides: Partial<DeliveryRecord> & { eventId: string }): DeliveryRecord {
  const { group: _group, system: _system, destination: _destination, queueMs: _queue, ...rest } = delivery(overrides);
  return { ...rest, ...overrides };
}

export function edge(from: string, to: string, overrides: Partial<CausalEdgeRecord> = {}): CausalEdgeRecord {
  return { id: `${from}>${to}`, from, to, at: BASE_DAY + 1, via: 'span-tree', ...overrides };
}

/** Sorted copies, so results compare whatever order a store returns them in. */
export function byId<T extends { id: string }>(records: T[]): T[] {
  return [...records].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function bySpanKey(spans: SpanRecord[]): SpanRecord[] {
  const key = (s: SpanRecord): string => `${s.traceId}-${s.spanId}`;
  return [...spans].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
