/**
 * An in-process message broker that behaves like a real one, for the demo shop and tests.
 *
 * - A topic keeps one queue per consumer group: every group gets every message published after it
 *   subscribed, and within a group each message goes to one consumer (Kafka consumer groups, or a
 *   RabbitMQ fanout exchange with one queue per group). A message published to a topic nobody
 *   subscribed to is not kept (counted as unrouted).
 * - A queue is point to point: all its consumers form one group named after the queue, and it
 *   keeps messages until someone consumes them.
 * - Deliveries are acked, nacked (requeue with back-off, up to the delivery limit) or rejected;
 *   rejected and over-delivered messages go to a dead-letter queue, `<queue>.dlq` for a queue and
 *   `<topic>.<group>.dlq` for a topic's group, with headers saying why and where from.
 */
import { randomUUID } from 'node:crypto';
import { GroupQueue } from './group-queue.js';
import type {
  BrokerMessage,
  BrokerOptions,
  ConsumerOptions,
  DeadLetterReason,
  DeliveryHandler,
  DestinationKind,
  GroupLagSnapshot,
  GroupStats,
  Subscription,
} from './types.js';

interface Destination {
  kind: DestinationKind;
  groups: Map<string, GroupQueue>;
  unrouted: number;
}

/** Headers the broker adds to a dead-lettered message (named after RabbitMQ's `x-death` fields). */
export const DEAD_LETTER_HEADERS = {
  reason: 'x-dead-letter-reason',
  destination: 'x-original-destination',
  group: 'x-original-group',
  deliveries: 'x-delivery-count',
} as const;

export class InProcessBroker {
  private readonly destinations = new Map<string, Destination>();
  private readonly settings: Required<BrokerOptions>;
  private closed = false;

  constructor(options: BrokerOptions = {}) {
    this.settings = {
      maxDepth: Math.max(1, options.maxDepth ?? 10_000),
      maxDeliveries: Math.max(1, options.maxDeliveries ?? 5),
      redeliveryDelayMs: Math.max(0, options.redeliveryDelayMs ?? 100),
    };
  }

  get maxDeliveries(): number {
    return this.settings.maxDeliveries;
  }

  /** Declares a destination; declaring it again with the same kind is a no-op, like an AMQP declare. */
  declare(name: string, kind: DestinationKind): void {
    const existing = this.destinations.get(name);
    if (existing) {
      if (existing.kind !== kind) throw new Error(`destination "${name}" is a ${existing.kind}, not a ${kind}`);
      return;
    }
    if (name.length === 0) throw new Error('a destination needs a name');
    const destination: Destination = { kind, groups: new Map(), unrouted: 0 };
    this.destinations.set(name, destination);
    if (kind === 'queue') this.groupQueue(name, destination, name);
  }

  /** Accepts a message; unknown destinations are refused, as a real broker refuses unknown exchanges. */
  publish(destinationName: string, message: { headers?: Record<string, string>; body: string }): BrokerMessage {
    if (this.closed) throw new Error('broker is closed');
    const destination = this.destinations.get(destinationName);
    if (!destination) throw new Error(`unknown destination "${destinationName}"`);
    const stored: BrokerMessage = { id: randomUUID(), headers: { ...(message.headers ?? {}) }, body: message.body, publishedAt: Date.now() };
    if (destination.groups.size === 0) destination.unrouted++;
    for (const queue of destination.groups.values()) queue.enqueue(stored);
    return stored;
  }

  /** Adds a consumer to `group` on a topic, or to a queue (whose group is the queue itself). */
  subscribe(destinationName: string, group: string, handler: DeliveryHandler, options?: ConsumerOptions): Subscription {
    if (this.closed) throw new Error('broker is closed');
    const destination = this.destinations.get(destinationName);
    if (!destination) throw new Error(`unknown destination "${destinationName}"`);
    const groupName = destination.kind === 'queue' ? destinationName : group;
    return this.groupQueue(destinationName, destination, groupName).subscribe(handler, options);
  }

  stats(destinationName: string, group?: string): GroupStats | undefined {
    const destination = this.destinations.get(destinationName);
    return destination?.groups.get(destination.kind === 'queue' ? destinationName : (group ?? ''))?.stats();
  }

  /**
   * Every group's queue on every destination, dead-letter queues included: a read-only copy for the
   * consumer-lag monitor, cheap enough to take every poll (no message is copied).
   */
  lagSnapshot(): GroupLagSnapshot[] {
    const snapshot: GroupLagSnapshot[] = [];
    for (const [destination, { kind, groups }] of this.destinations) {
      for (const [group, queue] of groups) {
        const { ready, inFlight, delivered, acked, deadLettered } = queue.stats();
        const entry: GroupLagSnapshot = {
          destination,
          kind,
          group,
          consumers: queue.consumerCount,
          ready,
          inFlight,
          delivered,
          acked,
          deadLettered,
          deadLetter: isDeadLetterQueue(destination),
        };
        const head = queue.headPublishedAt;
        if (head !== undefined) entry.headPublishedAt = head;
        snapshot.push(entry);
      }
    }
    return snapshot;
  }

  /** Messages published to a topic while no group was subscribed. */
  unrouted(destinationName: string): number {
    return this.destinations.get(destinationName)?.unrouted ?? 0;
  }

  /** The dead-letter queue of a group: `<queue>.dlq` for a queue, `<topic>.<group>.dlq` for a topic's group. */
  deadLetterQueueOf(destinationName: string, group: string): string | undefined {
    const destination = this.destinations.get(destinationName);
    if (!destination) return undefined;
    return destination.kind === 'queue' ? `${destinationName}.dlq` : `${destinationName}.${group}.dlq`;
  }

  /** A queue's (or a topic group's) message queue, for the demo's redrive; undefined when unknown. */
  groupQueueOf(destinationName: string, group: string): Pick<GroupQueue, 'findReady' | 'takeReady' | 'enqueue'> | undefined {
    return this.destinations.get(destinationName)?.groups.get(group);
  }

  /**
   * Delivers a message to one group only (a redrive back to the consumer group that failed it: the
   * topic's other groups handled it already). Assigns a new broker id, like `publish`.
   */
  publishToGroup(destinationName: string, group: string, message: { headers: Record<string, string>; body: string }): BrokerMessage | undefined {
    const queue = this.destinations.get(destinationName)?.groups.get(group);
    if (!queue || this.closed) return undefined;
    const stored: BrokerMessage = { id: randomUUID(), headers: { ...message.headers }, body: message.body, publishedAt: Date.now() };
    queue.enqueue(stored);
    return stored;
  }

  /** Stops all deliveries and waits for running handlers, at most `graceMs` (default 5000). */
  async close(graceMs = 5_000): Promise<void> {
    this.closed = true;
    await Promise.all([...this.destinations.values()].flatMap((d) => [...d.groups.values()].map((q) => q.close(graceMs))));
  }

  private groupQueue(name: string, destination: Destination, group: string): GroupQueue {
    let queue = destination.groups.get(group);
    if (!queue) {
      const deadLetterName = destination.kind === 'queue' ? `${name}.dlq` : `${name}.${group}.dlq`;
      queue = new GroupQueue({
        destination: name,
        group,
        ...this.settings,
        deadLetter: isDeadLetterQueue(name) ? undefined : (message, reason, attempts) => this.deadLetter(deadLetterName, message, reason, attempts, name, group),
      });
      destination.groups.set(group, queue);
    }
    return queue;
  }

  private deadLetter(queueName: string, message: BrokerMessage, reason: DeadLetterReason, attempts: number, from: string, group: string): void {
    if (this.closed) return;
    this.declare(queueName, 'queue');
    const headers = {
      ...message.headers,
      [DEAD_LETTER_HEADERS.reason]: reason,
      [DEAD_LETTER_HEADERS.destination]: from,
      [DEAD_LETTER_HEADERS.group]: group,
      [DEAD_LETTER_HEADERS.deliveries]: String(attempts),
    };
    this.destinations.get(queueName)?.groups.get(queueName)?.enqueue({ ...message, headers });
  }
}

/** Dead-letter queues are named `<queue>.dlq` and `<topic>.<group>.dlq`; they never dead-letter further. */
export function isDeadLetterQueue(destination: string): boolean {
  return destination.endsWith('.dlq');
}
