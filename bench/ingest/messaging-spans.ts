/**
 * Realistic messaging traffic as OpenTelemetry SDK spans, serialized into OTLP protobuf requests
 * exactly as an SDK's exporter would send them: causal chains of Kafka and RabbitMQ events, each a
 * `send` PRODUCER span, a `process` CONSUMER span per consumer group (child of the send), RabbitMQ
 * `ack` settle spans, and Kafka batch consumers whose one `process` span links to every message of
 * the batch. Deterministic for a given seed; trace and span ids look random, as an SDK's do, and are
 * unique per `runId`.
 */
import { SpanKind, SpanStatusCode, type Attributes, type HrTime, type Link, type SpanContext } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { eventIdAt, scatteredId, traceIdAt } from '../lib/ids.js';
import { randomInt, seededRandom } from '../lib/stats.js';

const SCOPE = { name: '@causeway/instrumentation', version: '0.1.0' };

/** Services, each publishing one kind of event to one destination. */
const STEPS = [
  { service: 'checkout', system: 'kafka', destination: 'orders', type: 'OrderPlaced' },
  { service: 'payments', system: 'kafka', destination: 'payments', type: 'PaymentCaptured' },
  { service: 'inventory', system: 'rabbitmq', destination: 'stock.reserve', type: 'StockReserved' },
  { service: 'shipping', system: 'kafka', destination: 'shipments', type: 'ShipmentCreated' },
  { service: 'notifications', system: 'rabbitmq', destination: 'emails', type: 'EmailQueued' },
] as const;
type Step = (typeof STEPS)[number];

/** Consumer groups per destination: fan-out of one event to several services. */
const CONSUMERS: Record<string, string[]> = {
  orders: ['payments', 'analytics'],
  payments: ['inventory'],
  'stock.reserve': ['shipping'],
  shipments: ['notifications', 'analytics'],
  emails: ['mailer'],
};

export interface SpanStreamOptions {
  /** Makes ids unique across runs (hex, up to 8 characters). */
  runId: string;
  seed?: number;
  /** Spans are spread over the `spreadMs` before `endMs`. */
  endMs?: number;
  spreadMs?: number;
}

/** Generates at least `count` spans (whole flows) in publish order; trims to exactly `count`. */
export function generateMessagingSpans(count: number, options: SpanStreamOptions): ReadableSpan[] {
  const random = seededRandom(options.seed ?? 42);
  const endMs = options.endMs ?? Date.now();
  const spreadMs = options.spreadMs ?? 10 * 60_000;
  const resources = new Map<string, Resource>();
  const resource = (service: string) => {
    let r = resources.get(service);
    if (!r) resources.set(service, (r = resourceFromAttributes({ 'service.name': service, 'service.version': '1.4.2', 'host.name': 'bench-host' })));
    return r;
  };
  let idCounter = 0;
  // Made as production makes them (bench/lib/ids.ts), unique per run.
  const nextId = (hexLength: number) => scatteredId(++idCounter, hexLength, options.runId);
  const nextEventId = (publishedAtMs: number) => eventIdAt(publishedAtMs, ++idCounter, options.runId);
  const spans: ReadableSpan[] = [];
  /** Sends waiting to be consumed by a Kafka batch consumer. */
  let batchBacklog: SpanContext[] = [];
  let flow = 0;

  while (spans.length < count) {
    flow++;
    let t = endMs - spreadMs + (spreadMs * spans.length) / count;
    const traceId = traceIdAt(t, ++idCounter, options.runId);
    let parent: { context: SpanContext; eventId: string } | undefined;
    const depth = randomInt(random, 1, STEPS.length);
    for (let level = 0; level < depth; level++) {
      const step = STEPS[level] as Step;
      const eventId = nextEventId(t);
      const send = makeSpan({
        name: `send ${step.destination}`,
        kind: SpanKind.PRODUCER,
        context: { traceId, spanId: nextId(16), traceFlags: 1 },
        parent: parent?.context,
        startMs: t,
        durationMs: 0.5 + random() * 3,
        resource: resource(step.service),
        attributes: {
          'messaging.system': step.system,
          'messaging.operation.type': 'send',
          'messaging.operation.name': 'send',
          'messaging.destination.name': step.destination,
          'messaging.message.id': eventId,
          'messaging.message.body.size': randomInt(random, 200, 4000),
          'causeway.event.type': step.type,
          ...(step.system === 'kafka' ? { 'messaging.destination.partition.id': String(randomInt(random, 0, 5)) } : { 'messaging.rabbitmq.destination.routing_key': step.destination }),
          ...(parent ? { 'causeway.event.parent_id': parent.eventId } : {}),
        },
      });
      spans.push(send);
      if (step.system === 'kafka' && flow % 8 === 0) batchBacklog.push(send.spanContext());

      let next: { context: SpanContext; eventId: string } | undefined;
      for (const group of CONSUMERS[step.destination] ?? []) {
        const startMs = t + 2 + random() * 40;
        const failed = random() < 0.02;
        const process = makeSpan({
          name: `process ${step.destination}`,
          kind: SpanKind.CONSUMER,
          context: { traceId, spanId: nextId(16), traceFlags: 1 },
          parent: send.spanContext(),
          startMs,
          durationMs: 1 + random() * 20,
          resource: resource(group),
          error: failed,
          attributes: {
            'messaging.system': step.system,
            'messaging.operation.type': 'process',
            'messaging.operation.name': 'process',
            'messaging.destination.name': step.destination,
            'messaging.consumer.group.name': group,
            'messaging.message.id': eventId,
            'causeway.event.type': step.type,
            'causeway.message.published_at_ms': Math.round(t),
            ...(step.system === 'kafka'
              ? { 'messaging.destination.partition.id': String(randomInt(random, 0, 5)), 'messaging.kafka.offset': flow * 3 + level }
              : { 'messaging.rabbitmq.message.delivery_tag': flow }),
          },
        });
        spans.push(process);
        if (step.system === 'rabbitmq') {
          spans.push(
            makeSpan({
              name: `${failed ? 'nack' : 'ack'} ${step.destination}`,
              kind: SpanKind.CLIENT,
              context: { traceId, spanId: nextId(16), traceFlags: 1 },
              parent: process.spanContext(),
              startMs: startMs + process.duration[1] / 1e6,
              durationMs: 0.1,
              resource: resource(group),
              attributes: {
                'messaging.system': 'rabbitmq',
                'messaging.operation.type': 'settle',
                'messaging.operation.name': failed ? 'nack' : 'ack',
                'messaging.destination.name': step.destination,
                'messaging.message.id': eventId,
                ...(failed ? { 'causeway.settle.requeue': false } : {}),
              },
            }),
          );
        }
        // The chain continues from the first consumer, which publishes the next event.
        next ??= { context: process.spanContext(), eventId };
      }
      parent = next;
      t += 5 + random() * 50;
    }

    // A Kafka batch consumer: one span, in its own trace, linking to every message of the batch.
    if (batchBacklog.length >= 5) {
      spans.push(
        makeSpan({
          name: 'process orders',
          kind: SpanKind.CONSUMER,
          context: { traceId: traceIdAt(t, ++idCounter, options.runId), spanId: nextId(16), traceFlags: 1 },
          startMs: t,
          durationMs: 5 + random() * 30,
          resource: resource('warehouse-sync'),
          links: batchBacklog.map((context) => ({ context, attributes: { 'messaging.operation.type': 'process' } })),
          attributes: {
            'messaging.system': 'kafka',
            'messaging.operation.type': 'process',
            'messaging.operation.name': 'process',
            'messaging.destination.name': 'orders',
            'messaging.consumer.group.name': 'warehouse-sync',
            'messaging.batch.message_count': batchBacklog.length,
          },
        }),
      );
      batchBacklog = [];
    }
  }
  return spans.slice(0, count);
}

/** OTLP protobuf request bodies of `batchSize` spans each. */
export function toOtlpRequests(spans: ReadableSpan[], batchSize: number): Uint8Array[] {
  const requests: Uint8Array[] = [];
  for (let i = 0; i < spans.length; i += batchSize) {
    const body = ProtobufTraceSerializer.serializeRequest(spans.slice(i, i + batchSize));
    if (!body) throw new Error('the OTLP serializer returned nothing');
    requests.push(body);
  }
  return requests;
}

interface SpanSpec {
  name: string;
  kind: SpanKind;
  context: SpanContext;
  parent?: SpanContext | undefined;
  startMs: number;
  durationMs: number;
  resource: Resource;
  attributes: Attributes;
  links?: Link[];
  error?: boolean;
}

function makeSpan(spec: SpanSpec): ReadableSpan {
  const duration = hrTime(spec.durationMs);
  return {
    name: spec.name,
    kind: spec.kind,
    spanContext: () => spec.context,
    ...(spec.parent ? { parentSpanContext: spec.parent } : {}),
    startTime: hrTime(spec.startMs),
    endTime: hrTime(spec.startMs + spec.durationMs),
    duration,
    status: spec.error ? { code: SpanStatusCode.ERROR, message: 'handler failed' } : { code: SpanStatusCode.UNSET },
    attributes: spec.attributes,
    links: spec.links ?? [],
    events: spec.error ? [{ name: 'exception', time: hrTime(spec.startMs + spec.durationMs), attributes: { 'exception.type': 'Error', 'exception.message': 'handler failed' } }] : [],
    ended: true,
    resource: spec.resource,
    instrumentationScope: SCOPE,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}

function hrTime(ms: number): HrTime {
  const seconds = Math.floor(ms / 1000);
  return [seconds, Math.round((ms - seconds * 1000) * 1e6)];
}
