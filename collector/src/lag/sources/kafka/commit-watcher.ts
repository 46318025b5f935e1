/**
 * Counts offset commits by reading Kafka's `__consumer_offsets` from its latest offset with a
 * private consumer group that never commits. The lag evaluator needs commits that do not move the
 * offset (a consumer alive but stuck: STALL) told apart from no commits at all (STOP), and the
 * committed offset alone cannot show the difference.
 */
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { CommitCounter, type CommitCounterOptions } from './commit-counter.js';
import { decodeOffsetCommitKey } from './offset-commit-key.js';
import { errorMessage } from './bounded.js';

export const CONSUMER_OFFSETS_TOPIC = '__consumer_offsets';

export interface CommitWatcherLog {
  warn(obj: object, msg?: string): void;
  debug?(obj: object, msg?: string): void;
}

export interface CommitWatcherOptions extends CommitCounterOptions {
  groupId: string;
  log: CommitWatcherLog;
  /** How often idle entries are swept; default 10 min. */
  sweepIntervalMs?: number;
}

export class CommitWatcher {
  private readonly counter: CommitCounter;
  private consumer: Consumer | undefined;
  private joined = false;
  private disabled = false;
  private lastSweep = Date.now();
  private readonly sweepIntervalMs: number;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: CommitWatcherOptions,
  ) {
    this.counter = new CommitCounter(options);
    this.sweepIntervalMs = options.sweepIntervalMs ?? 10 * 60 * 1000;
  }

  /** Counting: the consumer joined and has not given up. Counts are only meaningful then. */
  get active(): boolean {
    return this.joined && !this.disabled;
  }

  /** Gave up for good (e.g. no read access to `__consumer_offsets`): readings go without commit counts. */
  get failed(): boolean {
    return this.disabled;
  }

  get started(): boolean {
    return this.consumer !== undefined;
  }

  count(group: string, topic: string, partition: number): number {
    return this.counter.count(group, topic, partition);
  }

  /** Connects and joins; rejects when the cluster cannot be reached (the caller may try again later). */
  async start(): Promise<void> {
    if (this.consumer || this.disabled) return;
    const consumer = this.kafka.consumer({ groupId: this.options.groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 1000 });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.joined = true;
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.joined = false;
      // kafkajs restarts the consumer itself after retriable errors; the others (authorization,
      // unsupported topic) would fail the same way again, so stop counting and say so once.
      if (!payload.restart) this.giveUp(payload.error);
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [CONSUMER_OFFSETS_TOPIC], fromBeginning: false });
      await consumer.run({ autoCommit: false, eachBatch: (payload) => this.onBatch(payload) });
    } catch (error) {
      this.consumer = undefined;
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
  }

  async stop(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    this.joined = false;
    await consumer?.disconnect();
  }

  private giveUp(error: unknown): void {
    if (this.disabled) return;
    this.disabled = true;
    this.options.log.warn(
      { err: errorMessage(error), topic: CONSUMER_OFFSETS_TOPIC },
      'cannot read Kafka commits; lag status will not tell STALL from STOP for this cluster',
    );
    const consumer = this.consumer;
    this.consumer = undefined;
    void consumer?.disconnect().catch(() => undefined);
  }

  private async onBatch({ batch }: EachBatchPayload): Promise<void> {
    const now = Date.now();
    for (const message of batch.messages) {
      // A null value is a tombstone: the offset was deleted, not committed.
      if (message.value === null) continue;
      const key = decodeOffsetCommitKey(message.key);
      if (key) this.counter.record(key.group, key.topic, key.partition, now);
    }
    if (now - this.lastSweep >= this.sweepIntervalMs) {
      this.lastSweep = now;
      this.counter.sweep(now);
    }
  }
}
