/** Shapes of the in-process demo broker's API. */

/** A message as stored by the broker. Headers are strings, as on most brokers' wire formats. */
export interface BrokerMessage {
  /** Broker-assigned id, unique within this broker. */
  id: string;
  headers: Record<string, string>;
  body: string;
  /** Epoch milliseconds when the broker accepted it. */
  publishedAt: number;
}

/** One delivery of a message to one consumer. Settle it once; later calls are ignored. */
export interface BrokerDelivery {
  destination: string;
  /** The consumer group (for a queue: the queue's name). */
  group: string;
  message: BrokerMessage;
  /** 1 on the first delivery to this group, then +1 per redelivery. */
  attempt: number;
  redelivered: boolean;
  /** The broker's delivery limit: the delivery with this attempt number is the last. */
  maxDeliveries: number;
  ack(): void;
  /** Negative acknowledgement: redeliver when `requeue` (default), else dead-letter. */
  nack(requeue?: boolean): void;
  /** Refuse the message for good: it goes to the dead-letter queue. */
  reject(): void;
}

/**
 * A consumer's handler. When it returns without settling, the delivery is acked; when it throws
 * without settling, it is nacked with requeue (the behaviour of most client libraries' auto-ack).
 */
export type DeliveryHandler = (delivery: BrokerDelivery) => void | Promise<void>;

export interface ConsumerOptions {
  /** Milliseconds each delivery spends on the way to this consumer: a slow consumer. Default 0. */
  latencyMs?: number;
  /** Most unsettled deliveries this consumer holds at once. Default 1. */
  prefetch?: number;
}

export interface BrokerOptions {
  /** Most ready messages one group's queue holds; beyond it the oldest are dropped. Default 10000. */
  maxDepth?: number;
  /** Deliveries of one message to one group before it is dead-lettered. Default 5. */
  maxDeliveries?: number;
  /** Delay before a requeued message is delivered again, times its attempt number. Default 100. */
  redeliveryDelayMs?: number;
}

export type DestinationKind = 'topic' | 'queue';

/** Counters of one group's queue, for tests and operators. */
export interface GroupStats {
  ready: number;
  inFlight: number;
  delivered: number;
  acked: number;
  redelivered: number;
  deadLettered: number;
  /** Dropped because the queue was at `maxDepth`. */
  dropped: number;
}

/**
 * One group's queue as the consumer-lag monitor reads it (`InProcessBroker.lagSnapshot`): depths,
 * cumulative counters since the broker started, and how many consumers are attached.
 */
export interface GroupLagSnapshot {
  destination: string;
  kind: DestinationKind;
  /** The consumer group; for a queue, the queue's name. */
  group: string;
  consumers: number;
  ready: number;
  inFlight: number;
  delivered: number;
  acked: number;
  deadLettered: number;
  /** Epoch ms when the message at the head of the ready list was published; absent when none is ready. */
  headPublishedAt?: number;
  /** A dead-letter queue the broker created (`<queue>.dlq`, `<topic>.<group>.dlq`). */
  deadLetter: boolean;
}

export interface Subscription {
  /** Stops deliveries to this consumer; its unsettled deliveries go back to the group. */
  close(): void;
}

/** Why a message was dead-lettered, in its `x-dead-letter-reason` header. */
export type DeadLetterReason = 'rejected' | 'delivery-limit';
