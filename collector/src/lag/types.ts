/**
 * Consumer lag: what sources read from brokers, what the evaluator derives from it, and what is
 * stored and served. Shared by the sources (`sources/`), the evaluator (`evaluate/`), the monitor,
 * the stores, the alert engine and the API.
 */

/** Burrow-style partition and group status, from best to worst (see `STATUS_SEVERITY`). */
export type LagStatus = 'OK' | 'WARN' | 'REWIND' | 'STALL' | 'STOP';

/** Higher is worse; a group's status is its worst partition's. */
export const STATUS_SEVERITY: Readonly<Record<LagStatus, number>> = { OK: 0, WARN: 1, REWIND: 2, STALL: 3, STOP: 4 };

export const LAG_STATUSES: readonly LagStatus[] = ['OK', 'WARN', 'REWIND', 'STALL', 'STOP'];

/** Which kind of broker a reading came from. */
export type LagSystem = 'kafka' | 'rabbitmq' | 'in-process';

/** Raw offsets of one Kafka partition for one group, as read from the cluster. */
export interface OffsetReading {
  /** The group's committed offset (the next offset it will read); undefined when it never committed here. */
  committed?: number;
  /** Earliest offset still in the log (after retention or compaction). */
  logStart: number;
  /** Next offset to be written (high watermark). */
  logEnd: number;
}

/** Counters of one queue (RabbitMQ queue, or one group's queue of the in-process broker). */
export interface QueueReading {
  /** Messages waiting to be delivered. */
  ready: number;
  /** Delivered, not yet acknowledged. */
  unacked: number;
  /**
   * Cumulative acknowledgements since the queue (or the source) started, when the source can
   * count them (management API, in-process broker); the queue's "offset" for progress checks.
   */
  acked?: number;
  /**
   * Cumulative deliveries (first deliveries plus redeliveries), when known: consumer activity that
   * tells STALL (delivered but never acked) from STOP (nothing delivered).
   */
  delivered?: number;
  /** Epoch ms when the oldest ready message was published, when the source can tell. */
  headPublishedAt?: number;
}

/** One partition (Kafka) or one queue (partition 0) of a group, as a source read it. */
export interface PartitionReading {
  partition: number;
  offsets?: OffsetReading;
  queue?: QueueReading;
  /**
   * Cumulative count of offset commits seen for this group and partition (Kafka's commit log), when
   * the source watches commits. Commits that do not move the offset mean STALL, not STOP.
   */
  commits?: number;
}

/** Everything one source read about one group on one destination in one poll. */
export interface GroupReading {
  system: LagSystem;
  /** Which cluster / broker connection, so two clusters' groups never merge ('default' when only one). */
  cluster: string;
  group: string;
  /** Topic or queue. */
  destination: string;
  /** Consumers currently attached (group members / queue consumers); 0 for an empty group. */
  members: number;
  partitions: PartitionReading[];
}

/**
 * A broker connection the lag monitor polls. `poll` reads every group it can see; it may throw (the
 * monitor records the source as down and keeps the others going). Implementations must bound the
 * work of one poll (batched requests, limited concurrency) and honour `signal` (the monitor aborts a
 * poll that outlives its interval).
 */
export interface LagSource {
  /** Shown in logs, metrics and `/api/lag/status` (e.g. `kafka:127.0.0.1:9092`). */
  readonly name: string;
  readonly system: LagSystem;
  poll(signal: AbortSignal): Promise<GroupReading[]>;
  close(): Promise<void>;
}

/** The evaluator's verdict on one partition at one poll; also the stored lag sample. */
export interface LagSample {
  /** Epoch ms of the poll. */
  at: number;
  /** 0 for a raw sample; the bucket width in ms for a downsampled one (whose `at` is the bucket start). */
  resolutionMs: number;
  system: LagSystem;
  cluster: string;
  group: string;
  destination: string;
  partition: number;
  /** Messages behind, never negative. Downsampled: the bucket's maximum. */
  lag: number;
  /** Estimated age of the oldest unconsumed message, in seconds, when it can be estimated. Downsampled: maximum. */
  lagSeconds?: number;
  /** Estimated seconds to consume the lag at the current consumption rate; undefined when not draining. */
  drainSeconds?: number;
  /** Kafka: committed offset; queues: cumulative acks. */
  position?: number;
  logStart?: number;
  logEnd?: number;
  ready?: number;
  unacked?: number;
  members: number;
  /** Downsampled: the worst status in the bucket. */
  status: LagStatus;
  /** The group never committed on this partition: lag counts from the log start. */
  noCommit?: boolean;
}

/** Deterministic id of a sample: writing it twice overwrites. */
export function lagSampleId(sample: Pick<LagSample, 'resolutionMs' | 'cluster' | 'group' | 'destination' | 'partition' | 'at'>): string {
  return `${sample.resolutionMs}|${sample.cluster}|${sample.group}|${sample.destination}|${sample.partition}|${sample.at}`;
}

/** Current verdict on one partition, with the rule that produced it. */
export interface PartitionStatus {
  destination: string;
  partition: number;
  status: LagStatus;
  /** Plain words: why this status (e.g. "no commits for 95 s while 1,204 messages wait"). */
  reason: string;
  lag: number;
  lagSeconds?: number;
  drainSeconds?: number;
  noCommit?: boolean;
}

/** Per destination totals of a group (what a topology edge destination → group shows). */
export interface DestinationLag {
  destination: string;
  status: LagStatus;
  reason: string;
  /** Sum over partitions. */
  lag: number;
  /** Maximum over partitions. */
  lagSeconds?: number;
  /** Maximum over partitions. */
  drainSeconds?: number;
}

/** A group's current status: its worst partition's, with that partition's reason. */
export interface GroupStatus {
  system: LagSystem;
  cluster: string;
  /** Name of the source that read it. */
  source: string;
  group: string;
  status: LagStatus;
  reason: string;
  members: number;
  /** Sum over all partitions. */
  lag: number;
  lagSeconds?: number;
  drainSeconds?: number;
  destinations: DestinationLag[];
  partitions: PartitionStatus[];
  /** Epoch ms of the poll this status comes from. */
  updatedAt: number;
}

/** Time in queue (publish → start of processing) from spans, per consumer group and destination, per bucket. */
export interface QueueTimePoint {
  /** Bucket start, epoch ms. */
  at: number;
  count: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

export interface QueueTimeSeries {
  group: string;
  destination: string;
  points: QueueTimePoint[];
}

export interface LagSampleQuery {
  from: number;
  to: number;
  resolutionMs: number;
  cluster?: string;
  group?: string;
  destination?: string;
  /** At most this many samples, oldest first. */
  limit: number;
}

export interface QueueTimeQuery {
  from: number;
  to: number;
  bucketMs: number;
  group?: string;
  destination?: string;
}
