/**
 * Schemas of `/api/deadletters*`. Times are ISO-8601; hotspot trend points carry epoch ms (`t`).
 * The literal unions are spelled out (not built with `.map`) so their static types are the names.
 */
import { Type, type Static } from 'typebox';
import { IsoTime, TimeParam } from './common.js';

const Text = (name: string) => Type.String({ minLength: 1, maxLength: 512, errorMessage: `${name} must be 1 to 512 characters` });

export const DeadLetterReasonName = Type.Union([Type.Literal('rejected'), Type.Literal('expired'), Type.Literal('maxlen'), Type.Literal('delivery_limit'), Type.Literal('error'), Type.Literal('unknown')]);
export const DeadLetterConventionName = Type.Union([Type.Literal('rabbitmq'), Type.Literal('spring-kafka'), Type.Literal('kafka-connect'), Type.Literal('causeway'), Type.Literal('settlement')]);
export const HotspotDimensionName = Type.Union([Type.Literal('fingerprint'), Type.Literal('group'), Type.Literal('eventType'), Type.Literal('producerVersion'), Type.Literal('destination'), Type.Literal('service')]);

export const DeadLetterSearchQuery = Type.Object(
  {
    from: Type.Optional(TimeParam('from')),
    to: Type.Optional(TimeParam('to')),
    fingerprint: Type.Optional(Text('fingerprint')),
    group: Type.Optional(Text('group')),
    service: Type.Optional(Text('service')),
    eventType: Type.Optional(Text('eventType')),
    destination: Type.Optional(Text('destination')),
    producerVersion: Type.Optional(Text('producerVersion')),
    reason: Type.Optional(Type.String({ pattern: '^(rejected|expired|maxlen|delivery_limit|error|unknown)$', errorMessage: 'reason must be one of rejected, expired, maxlen, delivery_limit, error, unknown' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, errorMessage: 'limit must be an integer between 1 and 1000' })),
  },
  { additionalProperties: false },
);

export const DeadLetterView = Type.Object({
  id: Type.String(),
  eventId: Type.String(),
  eventType: Type.Union([Type.String(), Type.Null()]),
  system: Type.Union([Type.String(), Type.Null()]),
  origin: Type.Object({
    destination: Type.String(),
    partition: Type.Union([Type.Integer(), Type.Null()]),
    offset: Type.Union([Type.String(), Type.Null()]),
    group: Type.String(),
    service: Type.Union([Type.String(), Type.Null()]),
  }),
  deadLetter: Type.Object({
    destination: Type.Union([Type.String(), Type.Null()]),
    reason: DeadLetterReasonName,
    convention: DeadLetterConventionName,
  }),
  error: Type.Object({
    type: Type.Union([Type.String(), Type.Null()]),
    message: Type.Union([Type.String(), Type.Null()]),
    fingerprint: Type.String(),
  }),
  producer: Type.Object({ service: Type.Union([Type.String(), Type.Null()]), version: Type.Union([Type.String(), Type.Null()]) }),
  attempts: Type.Integer({ minimum: 0 }),
  firstFailureAt: Type.Union([IsoTime, Type.Null()]),
  lastFailureAt: Type.Union([IsoTime, Type.Null()]),
  deadLetteredAt: IsoTime,
  traceId: Type.String(),
  spanId: Type.String(),
  /** How often it was redriven, and whether it dead-lettered again after a redrive (a loop). */
  redriveCount: Type.Integer({ minimum: 0 }),
  deadLetteredAgainAfterRedrive: Type.Boolean(),
});
export type DeadLetterView = Static<typeof DeadLetterView>;

export const DeadLetterListResponse = Type.Object({ deadLetters: Type.Array(DeadLetterView) });

export const RedriveAuditView = Type.Object({
  id: Type.String(),
  deadLetterId: Type.String(),
  eventId: Type.String(),
  at: IsoTime,
  actor: Type.String(),
  dryRun: Type.Boolean(),
  result: Type.Union([Type.Literal('republished'), Type.Literal('would-republish'), Type.Literal('skipped'), Type.Literal('failed')]),
  detail: Type.Union([Type.String(), Type.Null()]),
  target: Type.Union([Type.Object({ system: Type.String(), destination: Type.String() }), Type.Null()]),
  newEventId: Type.Union([Type.String(), Type.Null()]),
});
export type RedriveAuditView = Static<typeof RedriveAuditView>;

/** One dead letter in full: the error's stack, the payload and headers when captured, its redrives. */
export const DeadLetterDetail = Type.Object({
    ...DeadLetterView.properties,
    error: Type.Object({
      type: Type.Union([Type.String(), Type.Null()]),
      message: Type.Union([Type.String(), Type.Null()]),
      stack: Type.Union([Type.String(), Type.Null()]),
      fingerprint: Type.String(),
    }),
    payload: Type.Union([Type.String(), Type.Null()]),
    payloadTruncated: Type.Boolean(),
    headers: Type.Union([Type.Record(Type.String(), Type.String()), Type.Null()]),
    /** Open `/api/events/<eventId>/lineage` (and `/events/<eventId>` in the UI) for the causal chain. */
    lineage: Type.Object({ eventId: Type.String(), apiPath: Type.String(), uiPath: Type.String() }),
    redrives: Type.Array(RedriveAuditView),
});
export type DeadLetterDetail = Static<typeof DeadLetterDetail>;

export const DeadLetterIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 1024 }) });

export const HotspotQueryParams = Type.Object(
  {
    from: Type.Optional(TimeParam('from')),
    to: Type.Optional(TimeParam('to')),
    groupBy: Type.Optional(
      Type.String({
        pattern: '^(fingerprint|group|eventType|producerVersion|destination|service)(,(fingerprint|group|eventType|producerVersion|destination|service)){0,5}$',
        errorMessage: 'groupBy is a comma-separated list of fingerprint, group, eventType, producerVersion, destination, service',
      }),
    ),
    bucket: Type.Optional(Type.String({ pattern: '^[0-9]+(ms|s|m|h|d)$', errorMessage: 'bucket is a duration like 1m, 5m or 1h' })),
  },
  { additionalProperties: false },
);

export const HotspotRowView = Type.Object({
  key: Type.Record(Type.String(), Type.String()),
  count: Type.Integer({ minimum: 0 }),
  firstAt: IsoTime,
  lastAt: IsoTime,
  series: Type.Array(Type.Object({ t: Type.Number(), count: Type.Integer({ minimum: 0 }) })),
  sample: Type.Object({ id: Type.String(), errorType: Type.Union([Type.String(), Type.Null()]), errorMessage: Type.Union([Type.String(), Type.Null()]) }),
  /** Count in the second half of the range minus the first half: rising (> 0) or fading. */
  trend: Type.Integer(),
});

export const HotspotResponse = Type.Object({
  from: IsoTime,
  to: IsoTime,
  groupBy: Type.Array(HotspotDimensionName),
  bucketMs: Type.Integer({ minimum: 1 }),
  rows: Type.Array(HotspotRowView),
});
export type HotspotResponse = Static<typeof HotspotResponse>;

/** Bulk redrive selects with the same filters as the list. */
export const RedriveRequest = Type.Object(
  {
    dryRun: Type.Optional(Type.Boolean()),
    /** Redrive even if it was redriven before (the loop guard refuses otherwise). */
    force: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const BulkRedriveRequest = Type.Object(
  {
    filter: Type.Object(
      {
        from: Type.Optional(Type.String()),
        to: Type.Optional(Type.String()),
        fingerprint: Type.Optional(Type.String()),
        group: Type.Optional(Type.String()),
        service: Type.Optional(Type.String()),
        eventType: Type.Optional(Type.String()),
        destination: Type.Optional(Type.String()),
        producerVersion: Type.Optional(Type.String()),
        reason: Type.Optional(Type.String()),
      },
      { additionalProperties: false },
    ),
    /** At most this many (default 100, max 1,000). */
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    dryRun: Type.Optional(Type.Boolean()),
    force: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const RedriveResponse = Type.Object({
  dryRun: Type.Boolean(),
  /** One audit entry per dead letter considered. */
  results: Type.Array(RedriveAuditView),
  republished: Type.Integer({ minimum: 0 }),
  skipped: Type.Integer({ minimum: 0 }),
  failed: Type.Integer({ minimum: 0 }),
});
export type RedriveResponse = Static<typeof RedriveResponse>;
