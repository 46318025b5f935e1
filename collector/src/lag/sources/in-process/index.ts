/**
 * Consumer lag of the demo's in-process broker, read straight from its queues, so `--demo` shows
 * lag without any real broker. Readings look like RabbitMQ's: one per group queue (a topic's
 * group or a point-to-point queue), partition 0, with ready/unacked depths, the head message's
 * publish time and cumulative counters.
 *
 * `acked` counts messages that left the queue for good through a consumer: acks plus dead-lettered
 * ones (rejected, or past the delivery limit), since a consumer that rejects poison messages is
 * making progress. Messages dropped at the queue's depth bound are not consumption and do not count.
 *
 * Dead-letter queues (`*.dlq`) are reported too: nobody consuming a DLQ is normal, yet it will read
 * as STOP while it holds messages. Pass `includeDeadLetterQueues: false` to leave them out.
 */
import type { InProcessBroker } from '../../../demo/broker/index.js';
import type { GroupReading, LagSource, QueueReading } from '../../types.js';

export interface InProcessLagSourceOptions {
  /** Default 'default'. */
  cluster?: string;
  /** Default true. */
  includeDeadLetterQueues?: boolean;
}

export class InProcessLagSource implements LagSource {
  readonly name = 'in-process';
  readonly system = 'in-process' as const;
  private readonly cluster: string;
  private readonly includeDeadLetterQueues: boolean;

  constructor(
    private readonly broker: InProcessBroker,
    options: InProcessLagSourceOptions = {},
  ) {
    this.cluster = options.cluster?.trim() || 'default';
    this.includeDeadLetterQueues = options.includeDeadLetterQueues ?? true;
  }

  poll(signal: AbortSignal): Promise<GroupReading[]> {
    if (signal.aborted) return Promise.reject(signal.reason instanceof Error ? signal.reason : new Error('poll aborted'));
    const readings: GroupReading[] = [];
    for (const entry of this.broker.lagSnapshot()) {
      if (entry.deadLetter && !this.includeDeadLetterQueues) continue;
      const queue: QueueReading = {
        ready: entry.ready,
        unacked: entry.inFlight,
        acked: entry.acked + entry.deadLettered,
        delivered: entry.delivered,
      };
      if (entry.headPublishedAt !== undefined) queue.headPublishedAt = entry.headPublishedAt;
      readings.push({
        system: 'in-process',
        cluster: this.cluster,
        group: entry.group,
        destination: entry.destination,
        members: entry.consumers,
        partitions: [{ partition: 0, queue }],
      });
    }
    return Promise.resolve(readings);
  }

  /** The broker belongs to the demo, which closes it. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}
