/** Runtime schemas of the dead-letter answers (see `schemas.ts` for why). */
import { z } from 'zod';
import { isoTime } from './schema-primitives';

// Dead letters (`/api/deadletters*`), mirroring `collector/src/schemas/dead-letters.ts`.

export const deadLetterReasonSchema = z.enum(['rejected', 'expired', 'maxlen', 'delivery_limit', 'error', 'unknown']);
export type DeadLetterReason = z.infer<typeof deadLetterReasonSchema>;

export const deadLetterConventionSchema = z.enum(['rabbitmq', 'spring-kafka', 'kafka-connect', 'causeway', 'settlement']);
export type DeadLetterConvention = z.infer<typeof deadLetterConventionSchema>;

export const hotspotDimensionSchema = z.enum(['fingerprint', 'group', 'eventType', 'producerVersion', 'destination', 'service']);
export type HotspotDimension = z.infer<typeof hotspotDimensionSchema>;

const nullableString = z.string().nullable();

const deadLetterFields = {
  id: z.string(),
  eventId: z.string(),
  eventType: nullableString,
  system: nullableString,
  origin: z.object({
    destination: z.string(),
    partition: z.number().int().nullable(),
    offset: nullableString,
    group: z.string(),
    service: nullableString,
  }),
  deadLetter: z.object({
    destination: nullableString,
    reason: deadLetterReasonSchema,
    convention: deadLetterConventionSchema,
  }),
  producer: z.object({ service: nullableString, version: nullableString }),
  attempts: z.number().int().min(0),
  firstFailureAt: isoTime.nullable(),
  lastFailureAt: isoTime.nullable(),
  deadLetteredAt: isoTime,
  traceId: z.string(),
  spanId: z.string(),
  redriveCount: z.number().int().min(0),
  deadLetteredAgainAfterRedrive: z.boolean(),
};

export const deadLetterViewSchema = z.object({
  ...deadLetterFields,
  error: z.object({ type: nullableString, message: nullableString, fingerprint: z.string() }),
});
export type DeadLetterView = z.infer<typeof deadLetterViewSchema>;

export const deadLetterListResponseSchema = z.object({ deadLetters: z.array(deadLetterViewSchema) });

export const redriveResultNameSchema = z.enum(['republished', 'would-republish', 'skipped', 'failed']);
export type RedriveResultName = z.infer<typeof redriveResultNameSchema>;

export const redriveAuditSchema = z.object({
  id: z.string(),
  deadLetterId: z.string(),
  eventId: z.string(),
  at: isoTime,
  actor: z.string(),
  dryRun: z.boolean(),
  result: redriveResultNameSchema,
  detail: nullableString,
  target: z.object({ system: z.string(), destination: z.string() }).nullable(),
  newEventId: nullableString,
});
export type RedriveAuditView = z.infer<typeof redriveAuditSchema>;

export const deadLetterDetailSchema = z.object({
  ...deadLetterFields,
  error: z.object({ type: nullableString, message: nullableString, stack: nullableString, fingerprint: z.string() }),
  /** Already redacted and size-capped by the SDK; null when payload capture was off. */
  payload: nullableString,
  payloadTruncated: z.boolean(),
  headers: z.record(z.string(), z.string()).nullable(),
  lineage: z.object({ eventId: z.string(), apiPath: z.string(), uiPath: z.string() }),
  redrives: z.array(redriveAuditSchema),
});
export type DeadLetterDetail = z.infer<typeof deadLetterDetailSchema>;

export const hotspotRowSchema = z.object({
  /** The grouped dimensions' values ('' when the record has none). */
  key: z.record(z.string(), z.string()),
  count: z.number().int().min(0),
  firstAt: isoTime,
  lastAt: isoTime,
  series: z.array(z.object({ t: z.number(), count: z.number().int().min(0) })),
  sample: z.object({ id: z.string(), errorType: nullableString, errorMessage: nullableString }),
  /** Count in the second half of the range minus the first half. */
  trend: z.number().int(),
});
export type HotspotRowView = z.infer<typeof hotspotRowSchema>;

export const hotspotResponseSchema = z.object({
  from: isoTime,
  to: isoTime,
  groupBy: z.array(hotspotDimensionSchema),
  bucketMs: z.number().int().min(1),
  rows: z.array(hotspotRowSchema),
});
export type HotspotResponse = z.infer<typeof hotspotResponseSchema>;

export const redriveResponseSchema = z.object({
  dryRun: z.boolean(),
  results: z.array(redriveAuditSchema),
  republished: z.number().int().min(0),
  skipped: z.number().int().min(0),
  failed: z.number().int().min(0),
});
export type RedriveResponse = z.infer<typeof redriveResponseSchema>;

/** The list's filters; bulk redrive selects with the same ones (plus the time range). */
export interface DeadLetterFilter {
  fingerprint?: string;
  group?: string;
  service?: string;
  eventType?: string;
  destination?: string;
  producerVersion?: string;
  reason?: DeadLetterReason;
}
