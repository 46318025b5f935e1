/**
 * Schemas of `/api/lag` and `/api/lag/status`. Series points carry epoch milliseconds (`t`) rather
 * than ISO strings: a week of 20 partitions is tens of thousands of points, and charts want numbers.
 */
import { Type, type Static } from 'typebox';
import { IsoTime, TimeParam } from './common.js';

export const LagStatusName = Type.Union([Type.Literal('OK'), Type.Literal('WARN'), Type.Literal('REWIND'), Type.Literal('STALL'), Type.Literal('STOP')]);
export type LagStatusName = Static<typeof LagStatusName>;

export const LagSystemName = Type.Union([Type.Literal('kafka'), Type.Literal('rabbitmq'), Type.Literal('in-process')]);

const NameParam = (name: string) => Type.String({ minLength: 1, maxLength: 512, errorMessage: `${name} must be 1 to 512 characters` });

export const LagQuery = Type.Object(
  {
    group: Type.Optional(NameParam('group')),
    destination: Type.Optional(NameParam('destination')),
    cluster: Type.Optional(NameParam('cluster')),
    from: Type.Optional(TimeParam('from')),
    to: Type.Optional(TimeParam('to')),
  },
  { additionalProperties: false },
);
export type LagQuery = Static<typeof LagQuery>;

export const LagPoint = Type.Object({
  /** Epoch ms (bucket start for downsampled series). */
  t: Type.Number(),
  lag: Type.Number({ minimum: 0 }),
  lagSeconds: Type.Union([Type.Number(), Type.Null()]),
  drainSeconds: Type.Union([Type.Number(), Type.Null()]),
  status: LagStatusName,
});
export type LagPoint = Static<typeof LagPoint>;

/** One partition (Kafka) or queue (partition 0) of one group over time. */
export const LagSeries = Type.Object({
  system: LagSystemName,
  cluster: Type.String(),
  group: Type.String(),
  destination: Type.String(),
  partition: Type.Integer(),
  points: Type.Array(LagPoint),
});
export type LagSeries = Static<typeof LagSeries>;

export const QueueTimePoint = Type.Object({
  t: Type.Number(),
  count: Type.Integer({ minimum: 0 }),
  p50Ms: Type.Number(),
  p95Ms: Type.Number(),
  maxMs: Type.Number(),
});

/** Time in queue measured from spans (publish → start of processing): every broker, polled or not. */
export const QueueTimeSeries = Type.Object({
  group: Type.String(),
  destination: Type.String(),
  points: Type.Array(QueueTimePoint),
});

export const LagResponse = Type.Object({
  from: IsoTime,
  to: IsoTime,
  /** 0: raw polls; otherwise the bucket width of the downsampled series. */
  resolutionMs: Type.Integer({ minimum: 0 }),
  series: Type.Array(LagSeries),
  queueTime: Type.Array(QueueTimeSeries),
  /** The point limit cut the series short. */
  truncated: Type.Boolean(),
});
export type LagResponse = Static<typeof LagResponse>;

export const PartitionStatusView = Type.Object({
  destination: Type.String(),
  partition: Type.Integer(),
  status: LagStatusName,
  reason: Type.String(),
  lag: Type.Number({ minimum: 0 }),
  lagSeconds: Type.Union([Type.Number(), Type.Null()]),
  drainSeconds: Type.Union([Type.Number(), Type.Null()]),
  noCommit: Type.Boolean(),
});

export const DestinationLagView = Type.Object({
  destination: Type.String(),
  status: LagStatusName,
  reason: Type.String(),
  lag: Type.Number({ minimum: 0 }),
  lagSeconds: Type.Union([Type.Number(), Type.Null()]),
  drainSeconds: Type.Union([Type.Number(), Type.Null()]),
});

export const GroupStatusView = Type.Object({
  system: LagSystemName,
  cluster: Type.String(),
  source: Type.String(),
  group: Type.String(),
  status: LagStatusName,
  reason: Type.String(),
  members: Type.Integer({ minimum: 0 }),
  lag: Type.Number({ minimum: 0 }),
  lagSeconds: Type.Union([Type.Number(), Type.Null()]),
  drainSeconds: Type.Union([Type.Number(), Type.Null()]),
  destinations: Type.Array(DestinationLagView),
  partitions: Type.Array(PartitionStatusView),
  updatedAt: IsoTime,
});
export type GroupStatusView = Static<typeof GroupStatusView>;

export const LagSourceView = Type.Object({
  name: Type.String(),
  system: LagSystemName,
  up: Type.Boolean(),
  /** Last poll error, when the last poll failed. */
  error: Type.Union([Type.String(), Type.Null()]),
  lastPollAt: Type.Union([IsoTime, Type.Null()]),
  lastPollMs: Type.Union([Type.Number(), Type.Null()]),
});

/** Groups sorted by severity (worst first), then by lag (largest first), then by name. */
export const LagStatusResponse = Type.Object({
  intervalMs: Type.Integer(),
  sources: Type.Array(LagSourceView),
  groups: Type.Array(GroupStatusView),
});
export type LagStatusResponse = Static<typeof LagStatusResponse>;
