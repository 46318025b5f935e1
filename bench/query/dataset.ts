/**
 * The query data set: causal chains of depth 1–10 whose every event fans out to 1–5 events (one
 * continues the chain, the others end there), each event consumed by 1–3 groups, spread over the
 * 24 h before `endMs`. Records are written straight through the store's write API, in the shape
 * the correlator derives (ids, attributes, outcomes): deriving a million events through the
 * correlator would take longer than the whole benchmark run. Ids are made as in production
 * (`bench/lib/ids.ts`): trace and span ids scattered, event ids UUIDv7 at their publish time.
 */
import type { CausalEdgeRecord, DeliveryOutcome, DeliveryRecord, EventRecord } from '../../collector/dist/store/index.js';
import { eventIdAt, scatteredId, traceIdAt } from '../lib/ids.js';
import { randomInt, seededRandom } from '../lib/stats.js';

const DAY_MS = 24 * 3600_000;
const SERVICES = ['checkout', 'payments', 'inventory', 'shipping', 'notifications', 'billing', 'fraud', 'loyalty'];
const TYPES = ['OrderPlaced', 'PaymentCaptured', 'StockReserved', 'ShipmentCreated', 'EmailQueued', 'InvoiceIssued', 'FraudChecked', 'PointsAwarded'];
const DESTINATIONS = ['orders', 'payments', 'stock.reserve', 'shipments', 'emails', 'invoices', 'fraud.checks', 'loyalty'];
const GROUPS = ['analytics', 'audit', 'search-indexer', 'warehouse', 'crm'];
/** The last 8 hex digits of the data set's ids (`scatteredId`). */
const DATASET_ID_SUFFIX = 'da7a5e70';

export interface DatasetBatch {
  events: EventRecord[];
  deliveries: DeliveryRecord[];
  edges: CausalEdgeRecord[];
}

export interface DatasetSummary {
  events: number;
  deliveries: number;
  edges: number;
  /** Ids of chain roots with depth 10 (for lineage at depth 10) and of random events (for look-ups). */
  deepRoots: string[];
  sampleIds: string[];
  types: string[];
}

/** Calls `write` with batches of about `batchEvents` events until `totalEvents` are generated. */
export async function generateDataset(totalEvents: number, endMs: number, batchEvents: number, write: (batch: DatasetBatch) => Promise<void>): Promise<DatasetSummary> {
  const random = seededRandom(1234);
  const summary: DatasetSummary = { events: 0, deliveries: 0, edges: 0, deepRoots: [], sampleIds: [], types: TYPES };
  let batch: DatasetBatch = { events: [], deliveries: [], edges: [] };
  let chain = 0;
  let idCounter = 0;
  const nextId = (hexLength: number) => scatteredId(++idCounter, hexLength, DATASET_ID_SUFFIX);
  const nextEventId = (publishedAt: number) => eventIdAt(publishedAt, ++idCounter, DATASET_ID_SUFFIX);

  const addEvent = (id: string, level: number, publishedAt: number, traceId: string): void => {
    const kind = randomInt(random, 0, SERVICES.length - 1);
    const system = kind % 2 === 0 ? 'kafka' : 'rabbitmq';
    const spanId = nextId(16);
    batch.events.push({
      id,
      type: TYPES[kind] as string,
      system,
      destination: DESTINATIONS[kind] as string,
      producerService: SERVICES[kind] as string,
      traceId,
      spanId,
      publishedAt,
      sendDurationMs: 0.3 + random() * 4,
      sendError: random() < 0.002,
      attributes: { 'causeway.event.type': TYPES[kind], 'messaging.destination.name': DESTINATIONS[kind], 'causeway.chain.level': level },
    });
    const consumers = randomInt(random, 1, 3);
    for (let c = 0; c < consumers; c++) {
      const receivedAt = publishedAt + 1 + random() * 200;
      const durationMs = 0.5 + random() * 50;
      const consumerSpan = nextId(16);
      const roll = random();
      const outcome: DeliveryOutcome = roll < 0.01 ? 'error' : roll < 0.015 ? 'retried' : roll < 0.017 ? 'dead-lettered' : 'ok';
      batch.deliveries.push({
        id: `${id}|${traceId}-${consumerSpan}`,
        eventId: id,
        service: c === 0 ? (SERVICES[(kind + 1) % SERVICES.length] as string) : (GROUPS[(kind + c) % GROUPS.length] as string),
        group: c === 0 ? `${SERVICES[(kind + 1) % SERVICES.length]}-group` : (GROUPS[(kind + c) % GROUPS.length] as string),
        system,
        destination: DESTINATIONS[kind] as string,
        outcome,
        receivedAt,
        processedAt: receivedAt + durationMs,
        durationMs,
        queueMs: receivedAt - publishedAt,
        traceId,
        spanId: consumerSpan,
        attributes: { 'causeway.event.type': TYPES[kind] },
      });
      summary.deliveries++;
    }
    summary.events++;
    if (random() < 0.001 && summary.sampleIds.length < 5000) summary.sampleIds.push(id);
  };

  while (summary.events < totalEvents) {
    chain++;
    const depth = chain % 10 === 0 ? 10 : randomInt(random, 1, 10);
    let at = endMs - DAY_MS + random() * (DAY_MS - 60_000);
    const traceId = traceIdAt(at, ++idCounter, DATASET_ID_SUFFIX);
    let parent = nextEventId(at);
    addEvent(parent, 0, at, traceId);
    if (depth === 10 && summary.deepRoots.length < 5000) summary.deepRoots.push(parent);
    for (let level = 1; level < depth; level++) {
      const fanOut = randomInt(random, 1, 5);
      let next = '';
      for (let f = 0; f < fanOut; f++) {
        const childAt = at + 2 + random() * 300;
        const child = nextEventId(childAt);
        addEvent(child, level, childAt, traceId);
        batch.edges.push({ id: `${parent}>${child}`, from: parent, to: child, at: childAt, via: f % 3 === 2 ? 'link' : 'attribute' });
        summary.edges++;
        if (f === 0) next = child;
      }
      parent = next;
      at += 5 + random() * 300;
    }
    if (batch.events.length >= batchEvents) {
      await write(batch);
      batch = { events: [], deliveries: [], edges: [] };
    }
  }
  if (batch.events.length > 0) await write(batch);
  return summary;
}
