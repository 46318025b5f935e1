/**
 * The lag evaluator: the product's definition of consumer lag, lag in seconds and status.
 *
 * Lag in messages (`arithmetic.ts`)
 * - Kafka: lag = logEnd − committed. No commit → noCommit, counted from the log start. Committed
 *   before the log start (retention/compaction) → counted from the log start, clamped 'log-start'.
 *   Committed past the log end → 0, clamped 'log-end'. Never negative. Offsets are numbers, exact up
 *   to 2^53.
 * - Queues: lag = ready + unacked; position = cumulative acks when the source counts them.
 *
 * Lag in seconds: the age of the oldest unconsumed message (`history.ts`)
 * - Kafka: every topic partition keeps a history of (time, logEnd) points (appended when logEnd
 *   changes; a flat stretch costs two points; capped at `historyPoints`, older half thinned). The
 *   message at the committed position was produced when logEnd first went past it: linear
 *   interpolation between the two points around it. A position older than the oldest point gives
 *   now − oldest point: a lower bound, not marked as such (on the first poll that is 0).
 * - Queues: now − headPublishedAt when the source knows it; else the same interpolation over
 *   (time, published = acked + ready + unacked) when acks are counted; else unknown.
 * - Lag 0 → 0 seconds.
 *
 * Drain time: lag ÷ consumption rate, the rate being the change of position (committed offset, acks)
 * per second between the first and last observation of the window; only when the rate is above 0
 * (undefined otherwise); 0 when lag is 0.
 *
 * Status per partition over the last `windowSize` polls: OK, WARN, REWIND, STALL, STOP, by the rules
 * written out in `rules.ts` (collecting samples → caught up → rewind → no progress: STALL / STOP →
 * lag growing: WARN → OK). A group's status is its worst partition's, reason prefixed with the
 * partition (`aggregate.ts`).
 *
 * Memory: a fixed ring per partition, a capped history per topic partition or queue, and whatever a
 * source has not reported for `forgetAfterPolls` of its polls is forgotten.
 */
export { LagEvaluator, type LagEvaluatorOptions } from './evaluator.js';
export { partitionLag, queueLag, type PartitionLag, type QueueLag } from './arithmetic.js';
export { LagDownsampler, type LagDownsamplerOptions } from './downsampler.js';
export { judgePartition, type ProgressKind, type Verdict } from './rules.js';
