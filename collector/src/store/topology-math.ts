/**
 * What the topology rows measure, shared by both stores so that they agree: which deliveries count
 * as errors, the latency of a delivery, and the percentile definition SQLite computes exactly.
 */
import type { DeliveryOutcome, DeliveryRecord } from './store.js';

/** Delivery outcomes counted as errors on a consumer edge. */
export const ERROR_OUTCOMES: readonly DeliveryOutcome[] = ['error', 'dead-lettered'];

/**
 * Latency of a delivery as the topology reports it: publish → end of processing when the queue
 * time is known, else the processing time alone. Stored with the delivery (neither store can
 * compute it at query time the same way: Elasticsearch without scripting has no per-document
 * arithmetic in aggregations).
 */
export function deliveryLatencyMs(delivery: Pick<DeliveryRecord, 'queueMs' | 'durationMs'>): number {
  return delivery.queueMs === undefined ? delivery.durationMs : delivery.queueMs + delivery.durationMs;
}

/** 1-based rank of the nearest-rank percentile `p` (0 < p ≤ 100) among `count` sorted values. */
export function nearestRank(p: number, count: number): number {
  return Math.min(count, Math.max(1, Math.ceil((p / 100) * count)));
}
