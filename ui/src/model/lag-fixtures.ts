/**
 * Builders of `/api/lag*` answers for the UI's tests: complete, schema-valid objects with
 * defaults, so each test states only what it is about.
 */
import type { DestinationLagView, GroupStatusView, LagPoint, LagSeries, PartitionStatusView } from '../api/schemas';

export const T0 = Date.UTC(2025, 0, 15, 10, 0, 0);

export function destinationLag(destination: string, extra: Partial<DestinationLagView> = {}): DestinationLagView {
  return { destination, status: 'OK', reason: 'consumer keeps up', lag: 0, lagSeconds: 0, drainSeconds: null, ...extra };
}

export function partitionStatus(destination: string, partition: number, extra: Partial<PartitionStatusView> = {}): PartitionStatusView {
  return { destination, partition, status: 'OK', reason: 'consumer keeps up', lag: 0, lagSeconds: 0, drainSeconds: null, noCommit: false, ...extra };
}

export function groupStatus(group: string, extra: Partial<GroupStatusView> = {}): GroupStatusView {
  return {
    system: 'kafka',
    cluster: 'default',
    source: 'kafka:127.0.0.1:9092',
    group,
    status: 'OK',
    reason: 'consumer keeps up',
    members: 1,
    lag: 0,
    lagSeconds: 0,
    drainSeconds: null,
    destinations: [destinationLag('orders')],
    partitions: [partitionStatus('orders', 0)],
    updatedAt: new Date(T0).toISOString(),
    ...extra,
  };
}

/** A series whose points are `[secondsAfterT0, lag, status?]`. */
export function lagSeries(destination: string, partition: number, points: [number, number, LagPoint['status']?][], extra: Partial<LagSeries> = {}): LagSeries {
  return {
    system: 'kafka',
    cluster: 'default',
    group: 'billing',
    destination,
    partition,
    points: points.map(([seconds, lag, status]) => ({ t: T0 + seconds * 1000, lag, lagSeconds: lag / 10, drainSeconds: null, status: status ?? 'OK' })),
    ...extra,
  };
}
