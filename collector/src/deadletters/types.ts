/**
 * Dead letters: one record per message that left its consumer group for good (rejected, expired,
 * over the delivery limit, or moved to a dead-letter topic / queue by the application), with where it
 * came from, why, and how often; and the audit trail of redrives.
 */

export type DeadLetterReason = 'rejected' | 'expired' | 'maxlen' | 'delivery_limit' | 'error' | 'unknown';

/**
 * Where the facts came from: a broker convention seen on the dead-letter copy (`rabbitmq` x-death,
 * `spring-kafka` kafka_dlt-*, `kafka-connect` __connect.errors.*, `causeway` the SDK's helper), or only
 * the failing consumer's settlement (`settlement`: reject / nack without requeue / delivery limit).
 */
export type DeadLetterConvention = 'rabbitmq' | 'spring-kafka' | 'kafka-connect' | 'causeway' | 'settlement';

export interface DeadLetterRecord {
  /** `<eventId>|<origin group>`: deterministic, so re-derivation overwrites. */
  id: string;
  /** The original event (the message that failed). */
  eventId: string;
  eventType?: string;
  system?: string;
  origin: {
    destination: string;
    partition?: number;
    /** Kafka offset as a decimal string (int64). */
    offset?: string;
    group: string;
    /** The consuming service that failed. */
    service?: string;
  };
  deadLetter: {
    /** The dead-letter queue / topic, when known. */
    destination?: string;
    reason: DeadLetterReason;
    convention: DeadLetterConvention;
    /** Dead-letter copy's own partition and offset (Kafka), needed to read it back for a redrive. */
    partition?: number;
    offset?: string;
  };
  error: {
    type?: string;
    message?: string;
    /** Capped (8 KiB). */
    stack?: string;
    /** `errorFingerprint(type, message)` (16 hex), or 'unknown' when neither is known. */
    fingerprint: string;
  };
  producer: {
    service?: string;
    /** `service.version` of the producing service's resource. */
    version?: string;
  };
  /** Deliveries before it dead-lettered. */
  attempts: number;
  /** Epoch ms. */
  firstFailureAt?: number;
  lastFailureAt?: number;
  deadLetteredAt: number;
  /** The span the record was derived from (failing consumer, or the dead-letter consumer). */
  traceId: string;
  spanId: string;
  /** Only when the SDK's payload capture was on (already redacted and capped by the SDK). */
  payload?: string;
  payloadTruncated?: boolean;
  headers?: Record<string, string>;
}

export interface DeadLetterSearch {
  from: number;
  to: number;
  fingerprint?: string;
  group?: string;
  service?: string;
  eventType?: string;
  /** Origin destination. */
  destination?: string;
  producerVersion?: string;
  reason?: DeadLetterReason;
  /** Newest first by deadLetteredAt; at most 1,000. */
  limit: number;
}

export type HotspotDimension = 'fingerprint' | 'group' | 'eventType' | 'producerVersion' | 'destination' | 'service';

export interface HotspotQuery {
  from: number;
  to: number;
  groupBy: HotspotDimension[];
  /** Width of the trend buckets; at most 200 buckets per row. */
  bucketMs: number;
}

export interface HotspotRow {
  /** The grouped dimensions' values ('' when absent). */
  key: Partial<Record<HotspotDimension, string>>;
  count: number;
  firstAt: number;
  lastAt: number;
  /** Counts per bucket (bucket start epoch ms), oldest first, empty buckets included. */
  series: Array<{ t: number; count: number }>;
  /** One example for people: the newest record's error. */
  sample: { id: string; errorType?: string; errorMessage?: string };
}

/** One redrive attempt of one dead letter (also dry runs), for the audit log. */
export interface RedriveAuditEntry {
  /** `<deadLetterId>|<at>|<n>`. */
  id: string;
  deadLetterId: string;
  eventId: string;
  /** Epoch ms. */
  at: number;
  /** Who asked: the `X-Causeway-Actor` header, else 'admin-token', plus the client address. */
  actor: string;
  dryRun: boolean;
  result: 'republished' | 'would-republish' | 'skipped' | 'failed';
  /** Why skipped or failed (e.g. "already redriven once; pass force", "message no longer in the DLQ"). */
  detail?: string;
  /** Where it went. */
  target?: { system: string; destination: string };
  /** Event id of the republished copy. */
  newEventId?: string;
}
