/**
 * A large lineage for the UI benchmark: one root event whose effects fan out over several levels
 * (a bulk repricing that reprices regions, stores and shelf labels), sent to a collector as OTLP/JSON
 * spans the way the SDK records them, so the collector's own correlator builds the causal graph.
 *
 * Each event is a PRODUCER `send` span carrying `causeway.event.parent_id`; each consumer group
 * handles it in a CONSUMER `process` span (a child of the send span), and the next level's events are
 * published from inside that handler. RabbitMQ deliveries are settled with `ack`, or `reject` for the
 * few failed handlers, so the graph shows a realistic mix of statuses.
 */
import { randomInt, seededRandom } from '../lib/stats.js';

/** One level of the tree: who publishes its events, where, and how many effects each parent has. */
interface Level {
  service: string;
  destination: string;
  system: 'kafka' | 'rabbitmq';
  type: string;
  consumers: string[];
  /** Children per parent event, inclusive range; the deepest level takes whatever is left of the total. */
  fanout: [number, number];
}

const LEVELS: Level[] = [
  { service: 'catalog', destination: 'repricing', system: 'kafka', type: 'BulkRepricing', consumers: ['pricing'], fanout: [6, 6] },
  { service: 'pricing', destination: 'region-prices', system: 'kafka', type: 'RegionRepriced', consumers: ['stores'], fanout: [4, 8] },
  { service: 'stores', destination: 'store-prices', system: 'rabbitmq', type: 'StorePriceChanged', consumers: ['shelf-labels', 'audit'], fanout: [3, 7] },
  { service: 'shelf-labels', destination: 'labels', system: 'rabbitmq', type: 'ShelfLabelUpdated', consumers: ['printers'], fanout: [0, 0] },
];

/** Every 50th handler fails and its message is rejected (dead-lettered). */
const FAILURE_EVERY = 50;

export interface LineageTree {
  rootId: string;
  events: number;
  levels: number;
  /** OTLP/JSON export requests, each small enough for the collector's default body limit. */
  requests: object[];
}

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Array<{ key: string; value: object }>;
  status: { code: number; message?: string };
}

const SPAN_KIND = { client: 3, producer: 4, consumer: 5 } as const;

function attributes(values: Record<string, string | number | boolean>) {
  return Object.entries(values).map(([key, value]) => ({
    key,
    value: typeof value === 'boolean' ? { boolValue: value } : typeof value === 'number' ? { intValue: value } : { stringValue: value },
  }));
}

const nanos = (ms: number) => (BigInt(Math.round(ms * 1000)) * 1000n).toString();

/**
 * Builds a tree of exactly `total` events (root included) over the levels above, deterministic for
 * a seed; ids and trace ids carry `runTag` so repeated runs against one store never collide.
 */
export function buildLineageTree(total: number, runTag: string, startMs: number, seed = 7): LineageTree {
  const random = seededRandom(seed);
  const hex = (bytes: number) => Array.from({ length: bytes }, () => randomInt(random, 0, 255).toString(16).padStart(2, '0')).join('');
  const traceId = hex(16);
  const spansByService = new Map<string, OtlpSpan[]>();
  const add = (service: string, span: OtlpSpan) => spansByService.set(service, [...(spansByService.get(service) ?? []), span]);
  let count = 0;
  let failures = 0;

  /** Publishes one event at `at` and runs its consumers; returns the first consumer's handler span and start. */
  const publish = (level: Level, index: number, parent: { eventId: string; spanId: string } | undefined, at: number) => {
    const eventId = `${runTag}-${level.type}-${index}`;
    const sendSpanId = hex(8);
    count += 1;
    add(level.service, {
      traceId,
      spanId: sendSpanId,
      ...(parent ? { parentSpanId: parent.spanId } : {}),
      name: `send ${level.destination}`,
      kind: SPAN_KIND.producer,
      startTimeUnixNano: nanos(at),
      endTimeUnixNano: nanos(at + 1 + random() * 3),
      attributes: attributes({
        'messaging.system': level.system,
        'messaging.operation.type': 'send',
        'messaging.destination.name': level.destination,
        'messaging.message.id': eventId,
        'causeway.event.type': level.type,
        ...(parent ? { 'causeway.event.parent_id': parent.eventId } : {}),
      }),
      status: { code: 0 },
    });
    let handler: { eventId: string; spanId: string; start: number } | undefined;
    for (const group of level.consumers) {
      const queueMs = 2 + random() * 20;
      const start = at + queueMs;
      const end = start + 5 + random() * 40;
      const failed = ++failures % FAILURE_EVERY === 0;
      const processSpanId = hex(8);
      add(group, {
        traceId,
        spanId: processSpanId,
        parentSpanId: sendSpanId,
        name: `process ${level.destination}`,
        kind: SPAN_KIND.consumer,
        startTimeUnixNano: nanos(start),
        endTimeUnixNano: nanos(end),
        attributes: attributes({
          'messaging.system': level.system,
          'messaging.operation.type': 'process',
          'messaging.destination.name': level.destination,
          'messaging.message.id': eventId,
          'messaging.consumer.group.name': group,
          'causeway.event.type': level.type,
          'causeway.message.time_in_queue_ms': Math.round(queueMs),
        }),
        status: failed ? { code: 2, message: 'label printer offline' } : { code: 0 },
      });
      if (level.system === 'rabbitmq') {
        const operation = failed ? 'reject' : 'ack';
        add(group, {
          traceId,
          spanId: hex(8),
          parentSpanId: processSpanId,
          name: `${operation} ${level.destination}`,
          kind: SPAN_KIND.client,
          startTimeUnixNano: nanos(end - 1),
          endTimeUnixNano: nanos(end),
          attributes: attributes({
            'messaging.system': level.system,
            'messaging.operation.type': 'settle',
            'messaging.operation.name': operation,
            'messaging.destination.name': level.destination,
            ...(failed ? { 'causeway.settle.requeue': false } : {}),
          }),
          status: { code: 0 },
        });
      }
      handler ??= { eventId, spanId: processSpanId, start };
    }
    if (!handler) throw new Error(`level ${level.type} has no consumer to publish the next level from`);
    return handler;
  };

  const root = publish(LEVELS[0]!, 0, undefined, startMs);
  let parents = [root];
  for (let depth = 1; depth < LEVELS.length && count < total; depth++) {
    const level = LEVELS[depth]!;
    const [min, max] = LEVELS[depth - 1]!.fanout;
    const last = depth === LEVELS.length - 1;
    // Children per parent: drawn from the parent level's range, or (deepest level) the remainder spread at random.
    const perParent = parents.map(() => (last ? 0 : randomInt(random, min, max)));
    if (last) for (let left = total - count; left > 0; left--) perParent[randomInt(random, 0, parents.length - 1)]! += 1;
    const next: typeof parents = [];
    let index = 0;
    parents.forEach((parent, p) => {
      for (let c = 0; c < perParent[p]! && count < total; c++) next.push(publish(level, index++, parent, parent.start + 3 + c * 2 + random() * 5));
    });
    parents = next;
  }
  if (count !== total) throw new Error(`the tree shape holds ${count} events, not ${total}: widen the fan-outs`);

  return { rootId: root.eventId, events: count, levels: LEVELS.length, requests: chunkRequests(spansByService, 1500) };
}

/** Splits the spans into export requests of at most `spansPerRequest`, one resource per service. */
function chunkRequests(spansByService: Map<string, OtlpSpan[]>, spansPerRequest: number): object[] {
  const requests: object[] = [];
  for (const [service, spans] of spansByService) {
    for (let i = 0; i < spans.length; i += spansPerRequest) {
      requests.push({
        resourceSpans: [
          {
            resource: { attributes: attributes({ 'service.name': service }) },
            scopeSpans: [{ scope: { name: 'causeway-bench ui lineage' }, spans: spans.slice(i, i + spansPerRequest) }],
          },
        ],
      });
    }
  }
  return requests;
}
