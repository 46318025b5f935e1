/**
 * Lag in messages from one reading. The definitions (also in `index.ts`):
 *
 * Kafka, `partitionLag` (offsets are "next offset": logEnd is the high watermark, committed is the
 * next offset the group will read):
 * - no committed offset → noCommit, position = logStart, lag = logEnd − logStart (everything still
 *   in the log is unread by this group);
 * - committed < logStart (retention or compaction deleted past it) → position = logStart, clamped
 *   'log-start': messages that no longer exist are not lag;
 * - committed > logEnd (the two were read at slightly different moments) → position = logEnd,
 *   lag 0, clamped 'log-end';
 * - otherwise position = committed, lag = logEnd − committed.
 * Lag is never negative. Offsets are JavaScript numbers: exact up to 2^53 (9.007e15), beyond any
 * offset a real partition reaches, so no bigint arithmetic.
 *
 * Queues, `queueLag`: lag = ready + unacked (unacknowledged messages are not consumed yet);
 * position = acked when the source counts acknowledgements.
 *
 * Bad input (negative, NaN, infinite numbers) is read as 0 or "unknown", never thrown at.
 */
import type { OffsetReading, QueueReading } from '../types.js';

export interface PartitionLag {
  lag: number;
  position: number;
  noCommit: boolean;
  clamped?: 'log-start' | 'log-end';
}

export function partitionLag(offsets: OffsetReading): PartitionLag {
  const logStart = count(offsets.logStart) ?? 0;
  const logEnd = Math.max(logStart, count(offsets.logEnd) ?? 0);
  const committed = count(offsets.committed);
  if (committed === undefined) return { lag: logEnd - logStart, position: logStart, noCommit: true };
  if (committed < logStart) return { lag: logEnd - logStart, position: logStart, noCommit: false, clamped: 'log-start' };
  if (committed > logEnd) return { lag: 0, position: logEnd, noCommit: false, clamped: 'log-end' };
  return { lag: logEnd - committed, position: committed, noCommit: false };
}

export interface QueueLag {
  lag: number;
  ready: number;
  unacked: number;
  /** Cumulative acknowledgements: the queue's position, when counted. */
  acked?: number;
  delivered?: number;
  /** acked + ready + unacked: how many messages ever entered the queue (since the source counts). */
  published?: number;
  headPublishedAt?: number;
}

export function queueLag(queue: QueueReading): QueueLag {
  const ready = count(queue.ready) ?? 0;
  const unacked = count(queue.unacked) ?? 0;
  const result: QueueLag = { lag: ready + unacked, ready, unacked };
  const acked = count(queue.acked);
  if (acked !== undefined) {
    result.acked = acked;
    result.published = acked + ready + unacked;
  }
  const delivered = count(queue.delivered);
  if (delivered !== undefined) result.delivered = delivered;
  const head = queue.headPublishedAt;
  if (typeof head === 'number' && Number.isFinite(head) && head > 0) result.headPublishedAt = head;
  return result;
}

/** A non-negative finite number, or undefined (negative offsets are Kafka's "none", e.g. -1). */
export function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}
