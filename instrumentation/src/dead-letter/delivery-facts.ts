/**
 * What the consumer adapters know about a message that the dead-letter helper needs later: where
 * it was consumed (destination, partition, offset, group), which delivery of it this is, and when
 * it first failed. Kept per message object in a WeakMap, so memory follows the app's own objects.
 */
import { messageFacts, rememberMessageFacts } from '../core/message-context.js';

export interface MessageOrigin {
  destination: string;
  partition?: string;
  offset?: number;
  group?: string;
}

export interface DeliveryFacts {
  origin: MessageOrigin;
  /**
   * Deliveries of this copy to this consumer so far, this one included (in-process retries by the
   * client library, broker redeliveries). Attempts recorded by earlier republishes are not in it.
   */
  hopAttempt: number;
  /** Epoch ms of the first failed delivery this consumer saw, when one failed before. */
  firstFailureAt?: number;
}

export function rememberDeliveryFacts(message: unknown, value: DeliveryFacts): void {
  rememberMessageFacts(message, value);
}

export function deliveryFacts(message: unknown): DeliveryFacts | undefined {
  // Only this module stores facts, so what is there is a DeliveryFacts.
  return messageFacts(message) as DeliveryFacts | undefined;
}

/** Kept per consumer: enough for any prefetch/batch a consumer retries in place, small enough to ignore. */
const MAX_TRACKED_FAILURES = 1024;

/**
 * Failed deliveries per message position (Kafka topic/partition/offset) of one consumer. kafkajs
 * retries a failed `eachMessage` by fetching the message again, as a new object, so counting has
 * to be by position. Bounded: the oldest entries go first; a success forgets its entry.
 */
export class RecentFailures {
  private readonly byKey = new Map<string, { failures: number; firstFailureAt: number }>();

  constructor(private readonly limit: number = MAX_TRACKED_FAILURES) {}

  get(key: string): { failures: number; firstFailureAt: number } | undefined {
    return this.byKey.get(key);
  }

  failed(key: string, at: number = Date.now()): void {
    const seen = this.byKey.get(key);
    this.byKey.delete(key);
    if (this.byKey.size >= this.limit) {
      const oldest = this.byKey.keys().next();
      if (!oldest.done) this.byKey.delete(oldest.value);
    }
    this.byKey.set(key, { failures: (seen?.failures ?? 0) + 1, firstFailureAt: seen?.firstFailureAt ?? at });
  }

  succeeded(key: string): void {
    this.byKey.delete(key);
  }

  get size(): number {
    return this.byKey.size;
  }
}
