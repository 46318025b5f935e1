/**
 * The storage contract. Two implementations: SQLite (embedded default) and Elasticsearch. Both run
 * the same contract test suite (`store-contract.ts`).
 *
 * Every record has a deterministic id and every write is a full overwrite, so writing the same
 * thing twice changes nothing: re-sent OTLP batches never double-count.
 */
import type { SpanRecord } from '../model/span.js';
import type { LagSample, LagSampleQuery, QueueTimeQuery, QueueTimeSeries } from '../lag/types.js';
import type { AlertEvent, AlertEventQuery, AlertRule } from '../alerts/types.js';
import type { DeadLetterRecord, DeadLetterSearch, HotspotQuery, HotspotRow, RedriveAuditEntry } from '../deadletters/types.js';

export type DeliveryOutcome = 'ok' | 'error' | 'retried' | 'dead-lettered' | 'pending';

/** One published message, derived from its producer span alone. */
export interface EventRecord {
  /** `messaging.message.id` when the producer recorded one, else `<traceId>-<spanId>` of the producer span. */
  id: string;
  type?: string;
  system?: string;
  destination?: string;
  producerService: string;
  traceId: string;
  spanId: string;
  /** Epoch ms of the send. */
  publishedAt: number;
  /** Duration of the send span in ms. */
  sendDurationMs: number;
  /** The send itself failed (producer span status error). */
  sendError: boolean;
  attributes: Record<string, unknown>;
}

/** One consumer's handling of one event, derived from a process/receive span (plus its settle span). */
export interface DeliveryRecord {
  /** `<eventId>|<traceId>-<spanId>` of the consumer span. */
  id: string;
  eventId: string;
  service: string;
  group?: string;
  system?: string;
  destination?: string;
  outcome: DeliveryOutcome;
  /**
   * Epoch ms when processing started and ended. `receivedAt` is the start of the consumer span the
   * id names, so it never changes for an id (Elasticsearch relies on it: a delivery's daily index
   * is fixed, and a rewrite needs no look-up for a copy elsewhere).
   */
  receivedAt: number;
  processedAt: number;
  /** Processing time in ms. */
  durationMs: number;
  /** Time between publish and start of processing, when known. */
  queueMs?: number;
  traceId: string;
  spanId: string;
  attributes: Record<string, unknown>;
}

/** Event `from` was being processed when event `to` was published. */
export interface CausalEdgeRecord {
  /** `<from>><to>` */
  id: string;
  from: string;
  to: string;
  /** Publish time of `to` (epoch ms). */
  at: number;
  /** How the edge was found. */
  via: 'attribute' | 'span-tree' | 'link';
}

/** Filters match whole values exactly; `from`/`to` bound `publishedAt` inclusively. */
export interface EventSearch {
  type?: string;
  service?: string;
  destination?: string;
  from?: number;
  to?: number;
  /** At most MAX_SEARCH_LIMIT (10,000, see `limits.ts`) events are returned, whatever the limit. */
  limit: number;
}

/** Aggregated topology rows for a time range; the API turns them into nodes and edges. */
export interface ProducerEdgeRow {
  service: string;
  /** '' for events without a destination. */
  destination: string;
  count: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
}
export interface ConsumerEdgeRow {
  /** '' for deliveries without a destination. */
  destination: string;
  service: string;
  group?: string;
  count: number;
  errors: number;
  /** Latency percentiles of publish → end of processing (falls back to processing time). */
  p50Ms: number;
  p99Ms: number;
}

export interface SpanKey {
  traceId: string;
  spanId: string;
}

export interface RelatedSpanKeyQuery {
  linkedSpanIds: string[];
  messageIds: string[];
  exceptTraceIds?: string[];
}

/** Everything the correlator derives from a set of traces. */
export interface DerivedRecords {
  events: EventRecord[];
  deliveries: DeliveryRecord[];
  edges: CausalEdgeRecord[];
  /** Dead-letter records derived with them; written in the same transaction / bulk. */
  deadLetters?: DeadLetterRecord[];
}

export interface PutSpansOptions {
  deferVisibility?: boolean;
}

export interface Store {
  readonly kind: 'sqlite' | 'elasticsearch';
  /** Create tables / index templates. Idempotent. */
  init(): Promise<void>;
  close(): Promise<void>;

  /**
   * Spans written are visible to every read as soon as this resolves, unless `deferVisibility` is
   * set: then they may stay invisible to reads until `makeSpansVisible` (the correlator holds the
   * batch it writes in memory, so it can let a search-based store skip a refresh per write).
   */
  putSpans(spans: SpanRecord[], options?: PutSpansOptions): Promise<void>;
  /**
   * True when spans written with `deferVisibility` can stay invisible to reads until
   * `makeSpansVisible` (Elasticsearch); false when every write is visible at once (SQLite).
   */
  readonly deferredSpanVisibility: boolean;
  /** Makes every span written so far with `deferVisibility` visible to reads. */
  makeSpansVisible(): Promise<void>;
  /** All spans of these traces, ordered by start time (then trace id, span id). */
  getTraceSpans(traceIds: string[]): Promise<SpanRecord[]>;
  /** Spans by (traceId, spanId). */
  getSpans(keys: Array<{ traceId: string; spanId: string }>): Promise<SpanRecord[]>;
  /** Spans that link to any of these span ids, or carry any of these `messaging.message.id`s. */
  findRelatedSpans(query: { linkedSpanIds: string[]; messageIds: string[] }): Promise<SpanRecord[]>;
  /**
   * The (traceId, spanId) of the spans `findRelatedSpans` returns, each once, in no particular
   * order, without loading them, and leaving out spans of `exceptTraceIds` (traces the caller
   * holds whole already).
   */
  findRelatedSpanKeys(query: RelatedSpanKeyQuery): Promise<SpanKey[]>;

  /**
   * Events, deliveries and edges are durable when these resolve but may become visible to reads
   * a moment later (Elasticsearch is near-real-time).
   */
  putEvents(events: EventRecord[]): Promise<void>;
  putDeliveries(deliveries: DeliveryRecord[]): Promise<void>;
  putEdges(edges: CausalEdgeRecord[]): Promise<void>;
  /**
   * The three writes above in one call, as the correlator produces them: one transaction (SQLite)
   * or one bulk (Elasticsearch) instead of three, with the same visibility and overwrite rules.
   */
  putDerived(records: DerivedRecords): Promise<void>;

  getEvents(ids: string[]): Promise<EventRecord[]>;
  getDeliveries(eventIds: string[]): Promise<DeliveryRecord[]>;
  /** Edges whose `to` (direction 'up') or `from` (direction 'down') is one of `eventIds`. */
  getEdges(eventIds: string[], direction: 'up' | 'down'): Promise<CausalEdgeRecord[]>;
  /** Newest first. */
  searchEvents(query: EventSearch): Promise<EventRecord[]>;
  /** Events published, and deliveries received, within `from ≤ t ≤ to`. */
  topology(range: { from: number; to: number }): Promise<{ producers: ProducerEdgeRow[]; consumers: ConsumerEdgeRow[] }>;

  /**
   * Time in queue of deliveries (publish → start of processing, `queueMs`) received within
   * `from ≤ receivedAt ≤ to`, per consumer group and destination, in buckets of `bucketMs`
   * (aligned to multiples of `bucketMs` since the epoch). Deliveries without a queue time are left
   * out; deliveries without a group count under group ''. At most 200 series, busiest first.
   * Points are sorted by time, empty buckets left out. `from > to` gives []; rejects with a
   * RangeError when `bucketMs` is not a whole number ≥ 1 or the range spans more than 5,000
   * buckets (`invalidQueueTimeQuery` in `queue-time-math.ts` tells beforehand, for a 400).
   */
  queueTimeSeries(query: QueueTimeQuery): Promise<QueueTimeSeries[]>;

  /** Lag samples are overwritten by id (`lagSampleId`); durable on resolve, visible a moment later (Elasticsearch). */
  putLagSamples(samples: LagSample[]): Promise<void>;
  /** Samples of one resolution within `from ≤ at ≤ to`, oldest first (then cluster, group, destination, partition); `limit` is capped at 200,000 (MAX_LAG_SAMPLE_LIMIT). */
  getLagSamples(query: LagSampleQuery): Promise<LagSample[]>;
  /** Retention: removes samples of this resolution older than `before` (epoch ms; may keep up to a day more on Elasticsearch, which drops whole daily indices). */
  deleteLagSamples(query: { resolutionMs: number; before: number }): Promise<void>;

  /** API-defined alert rules (file rules are never stored). Read-your-writes on both stores. */
  putAlertRule(rule: AlertRule): Promise<void>;
  /** Ordered by id. */
  listAlertRules(): Promise<AlertRule[]>;
  /** True when a rule was deleted. */
  deleteAlertRule(id: string): Promise<boolean>;

  /** Alert history; events are overwritten by id. */
  putAlertEvents(events: AlertEvent[]): Promise<void>;
  /** Newest first (then id); `limit` is capped at 10,000 (MAX_ALERT_EVENT_LIMIT). */
  listAlertEvents(query: AlertEventQuery): Promise<AlertEvent[]>;

  /** Dead letters, overwritten by id; same visibility as events. */
  putDeadLetters(records: DeadLetterRecord[]): Promise<void>;
  getDeadLetters(ids: string[]): Promise<DeadLetterRecord[]>;
  /** Newest first (deadLetteredAt, then id). */
  searchDeadLetters(query: DeadLetterSearch): Promise<DeadLetterRecord[]>;
  /** Counts grouped by the chosen dimensions, largest first, at most 100 rows. */
  deadLetterHotspots(query: HotspotQuery): Promise<HotspotRow[]>;
  /** Redrive audit log: append-only in practice, overwritten by id. Read-your-writes on both stores. */
  putRedriveAudit(entries: RedriveAuditEntry[]): Promise<void>;
  /** Newest first. */
  listRedriveAudit(query: { deadLetterId?: string; eventId?: string; from?: number; to?: number; limit: number }): Promise<RedriveAuditEntry[]>;
}
