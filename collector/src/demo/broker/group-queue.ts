/**
 * The messages of one consumer group on one destination: its consumers compete for them, each
 * message is delivered to one consumer at a time, stays unsettled until acked, and comes back
 * (with a higher attempt number, after a back-off) when nacked with requeue, when its handler
 * throws, or when its consumer goes away. A rejected message, or one that reached the delivery
 * limit, moves to the dead-letter sink. Memory is bounded: at `maxDepth` ready messages the
 * oldest is dropped (RabbitMQ's default `drop-head` overflow).
 */
import type { BrokerDelivery, BrokerMessage, ConsumerOptions, DeadLetterReason, DeliveryHandler, GroupStats, Subscription } from './types.js';

export interface GroupQueueSettings {
  destination: string;
  group: string;
  maxDepth: number;
  maxDeliveries: number;
  redeliveryDelayMs: number;
  /** Where rejected and over-delivered messages go; undefined for a dead-letter queue itself. */
  deadLetter: ((message: BrokerMessage, reason: DeadLetterReason, attempt: number) => void) | undefined;
}

interface Entry {
  message: BrokerMessage;
  /** Deliveries so far. */
  attempts: number;
}

interface Consumer {
  handler: DeliveryHandler;
  latencyMs: number;
  prefetch: number;
  inFlight: number;
  closed: boolean;
  /** Unsettled deliveries, so closing the consumer can hand them back. */
  open: Set<() => void>;
}

export class GroupQueue {
  private readonly ready: Entry[] = [];
  private readonly consumers: Consumer[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  private nextConsumer = 0;
  private closed = false;
  private readonly counters: Omit<GroupStats, 'ready' | 'inFlight'> = { delivered: 0, acked: 0, redelivered: 0, deadLettered: 0, dropped: 0 };

  constructor(private readonly settings: GroupQueueSettings) {}

  enqueue(message: BrokerMessage): void {
    if (this.closed) return;
    this.push({ message, attempts: 0 }, 'tail');
    this.pump();
  }

  /** The first ready (undelivered) message `matches` accepts, left in place; for redrive dry runs. */
  findReady(matches: (message: BrokerMessage) => boolean): BrokerMessage | undefined {
    return this.ready.find((entry) => matches(entry.message))?.message;
  }

  /** Removes a ready message by id (a redrive takes it off the dead-letter queue); false when gone. */
  takeReady(id: string): boolean {
    const index = this.ready.findIndex((entry) => entry.message.id === id);
    if (index < 0) return false;
    this.ready.splice(index, 1);
    return true;
  }

  subscribe(handler: DeliveryHandler, options: ConsumerOptions = {}): Subscription {
    const consumer: Consumer = {
      handler,
      latencyMs: Math.max(0, options.latencyMs ?? 0),
      prefetch: Math.max(1, Math.floor(options.prefetch ?? 1)),
      inFlight: 0,
      closed: false,
      open: new Set(),
    };
    this.consumers.push(consumer);
    this.pump();
    return {
      close: () => {
        if (consumer.closed) return;
        consumer.closed = true;
        this.consumers.splice(this.consumers.indexOf(consumer), 1);
        for (const giveBack of [...consumer.open]) giveBack();
        this.pump();
      },
    };
  }

  stats(): GroupStats {
    return { ready: this.ready.length, inFlight: this.consumers.reduce((n, c) => n + c.inFlight, 0), ...this.counters };
  }

  get consumerCount(): number {
    return this.consumers.length;
  }

  /** Publish time of the next message to deliver (a requeued one goes back to the head). */
  get headPublishedAt(): number | undefined {
    return this.ready[0]?.message.publishedAt;
  }

  /** Stop delivering, drop timers, and wait (at most `graceMs`) for handlers already running. */
  async close(graceMs: number): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    let grace: NodeJS.Timeout | undefined;
    // A handler that never returns must not hang shutdown.
    const deadline = new Promise<void>((resolve) => (grace = setTimeout(resolve, graceMs)));
    await Promise.race([Promise.allSettled([...this.running]), deadline]);
    clearTimeout(grace);
  }

  private push(entry: Entry, where: 'head' | 'tail'): void {
    if (this.ready.length >= this.settings.maxDepth) {
      this.ready.shift();
      this.counters.dropped++;
    }
    if (where === 'head') this.ready.unshift(entry);
    else this.ready.push(entry);
  }

  /** Hand ready messages to consumers with free prefetch, round-robin. */
  private pump(): void {
    while (!this.closed && this.ready.length > 0) {
      const consumer = this.pickConsumer();
      if (!consumer) return;
      this.dispatch(consumer, this.ready.shift()!);
    }
  }

  private pickConsumer(): Consumer | undefined {
    for (let i = 0; i < this.consumers.length; i++) {
      const index = (this.nextConsumer + i) % this.consumers.length;
      const consumer = this.consumers[index];
      if (consumer && consumer.inFlight < consumer.prefetch) {
        this.nextConsumer = index + 1;
        return consumer;
      }
    }
    return undefined;
  }

  private dispatch(consumer: Consumer, entry: Entry): void {
    entry.attempts++;
    consumer.inFlight++;
    this.counters.delivered++;
    let settled = false;
    const settle = (action: () => void): void => {
      if (settled) return;
      settled = true;
      consumer.inFlight--;
      consumer.open.delete(giveBack);
      action();
      this.pump();
    };
    // The consumer went away before settling: like a closed channel, the message is delivered again.
    const giveBack = (): void => settle(() => this.requeue(entry));
    consumer.open.add(giveBack);

    const delivery: BrokerDelivery = {
      destination: this.settings.destination,
      group: this.settings.group,
      message: entry.message,
      attempt: entry.attempts,
      redelivered: entry.attempts > 1,
      maxDeliveries: this.settings.maxDeliveries,
      ack: () => settle(() => this.counters.acked++),
      nack: (requeue = true) => settle(() => (requeue ? this.requeue(entry) : this.deadLetter(entry, 'rejected'))),
      reject: () => settle(() => this.deadLetter(entry, 'rejected')),
    };
    const run = async (): Promise<void> => {
      if (consumer.closed || this.closed) return giveBack();
      try {
        await consumer.handler(delivery);
        delivery.ack();
      } catch {
        delivery.nack(true);
      }
    };
    this.later(consumer.latencyMs, () => {
      const running = run();
      this.running.add(running);
      void running.finally(() => this.running.delete(running));
    });
  }

  private requeue(entry: Entry): void {
    if (this.closed) return;
    if (entry.attempts >= this.settings.maxDeliveries) return this.deadLetter(entry, 'delivery-limit');
    this.counters.redelivered++;
    this.later(this.settings.redeliveryDelayMs * entry.attempts, () => {
      this.push(entry, 'head');
      this.pump();
    });
  }

  private deadLetter(entry: Entry, reason: DeadLetterReason): void {
    this.counters.deadLettered++;
    this.settings.deadLetter?.(entry.message, reason, entry.attempts);
  }

  /** A timer that `close` cancels and that never keeps the process alive by itself. */
  private later(ms: number, fn: () => void): void {
    if (this.closed) return;
    if (ms <= 0) {
      queueMicrotask(fn);
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }
}
