/**
 * Runtime schemas of the collector's `/api` answers, mirroring the TypeBox schemas in
 * `collector/src/schemas/`. Every response is parsed with these before the UI touches it, so a
 * collector of another version (or a proxy answering with HTML) shows an error, not a blank page.
 * Objects are not strict: a newer collector may add fields.
 */
import { z } from 'zod';

const isoTime = z.iso.datetime({ offset: true });
const attributes = z.record(z.string(), z.unknown());

export const deliveryOutcomeSchema = z.enum(['ok', 'error', 'retried', 'dead-lettered', 'pending']);
export type DeliveryOutcome = z.infer<typeof deliveryOutcomeSchema>;

export const errorResponseSchema = z.object({
  error: z.string(),
  message: z.string().optional(),
  id: z.string().optional(),
});

export const eventConsumerSchema = z.object({
  service: z.string(),
  group: z.string().nullable(),
  system: z.string().nullable(),
  destination: z.string().nullable(),
  outcome: deliveryOutcomeSchema,
  receivedAt: isoTime,
  processedAt: isoTime,
  durationMs: z.number(),
  queueMs: z.number().nullable(),
  traceId: z.string(),
  spanId: z.string(),
});
export type EventConsumer = z.infer<typeof eventConsumerSchema>;

const eventFields = {
  id: z.string(),
  type: z.string().nullable(),
  traceId: z.string().nullable(),
  spanId: z.string().nullable(),
  producer: z.object({ service: z.string() }).nullable(),
  destination: z.string().nullable(),
  system: z.string().nullable(),
  publishedAt: isoTime.nullable(),
  sendDurationMs: z.number().nullable(),
  sendError: z.boolean(),
  status: deliveryOutcomeSchema,
};

export const eventSummarySchema = z.object({ ...eventFields, consumerCount: z.number().int().min(0) });
export type EventSummary = z.infer<typeof eventSummarySchema>;

export const eventDetailSchema = z.object({ ...eventFields, consumers: z.array(eventConsumerSchema) });
export type EventDetail = z.infer<typeof eventDetailSchema>;

export const eventSearchResponseSchema = z.object({ events: z.array(eventSummarySchema) });

export const lineageDirectionSchema = z.enum(['up', 'down', 'both']);
export type LineageDirection = z.infer<typeof lineageDirectionSchema>;

export const lineageNodeSchema = z.object({
  id: z.string(),
  type: z.string().nullable(),
  service: z.string().nullable(),
  destination: z.string().nullable(),
  publishedAt: isoTime.nullable(),
  status: deliveryOutcomeSchema,
  distance: z.number().int(),
  /** The event's dead-letter record, when the collector has one (newer collectors only). */
  deadLetterId: z.string().nullable().optional(),
});
export type LineageNode = z.infer<typeof lineageNodeSchema>;

export const lineageEdgeSchema = z.object({
  from: z.string(),
  to: z.string(),
  via: z.enum(['attribute', 'span-tree', 'link']),
});
export type LineageEdge = z.infer<typeof lineageEdgeSchema>;

export const lineageSchema = z.object({
  root: z.string(),
  direction: lineageDirectionSchema,
  depth: z.number().int(),
  nodes: z.array(lineageNodeSchema),
  edges: z.array(lineageEdgeSchema),
  truncated: z.boolean(),
});
export type Lineage = z.infer<typeof lineageSchema>;

export const topologyNodeSchema = z.object({
  id: z.string(),
  kind: z.enum(['service', 'destination']),
  name: z.string(),
});
export type TopologyNode = z.infer<typeof topologyNodeSchema>;

export const topologyEdgeSchema = z.object({
  from: z.string(),
  to: z.string(),
  group: z.string().optional(),
  count: z.number().int().min(0),
  errors: z.number().int().min(0),
  p50Ms: z.number(),
  p99Ms: z.number(),
});
export type TopologyEdge = z.infer<typeof topologyEdgeSchema>;

export const topologySchema = z.object({
  from: isoTime,
  to: isoTime,
  nodes: z.array(topologyNodeSchema),
  edges: z.array(topologyEdgeSchema),
});
export type Topology = z.infer<typeof topologySchema>;

export const traceSpanSchema = z.object({
  traceId: z.string(),
  spanId: z.string(),
  parentSpanId: z.string().nullable(),
  name: z.string(),
  kind: z.string(),
  service: z.string(),
  startTime: isoTime,
  endTime: isoTime,
  startTimeUnixNano: z.string().regex(/^\d+$/),
  durationMs: z.number(),
  status: z.object({ code: z.string(), message: z.string().optional() }),
  attributes,
  resource: attributes,
  scope: z.object({ name: z.string(), version: z.string().optional() }).nullable(),
  links: z.array(z.object({ traceId: z.string(), spanId: z.string(), attributes })),
  events: z.array(z.object({ name: z.string(), time: isoTime, attributes })),
});
export type TraceSpan = z.infer<typeof traceSpanSchema>;

export const traceSchema = z.object({
  traceId: z.string(),
  spans: z.array(traceSpanSchema),
  truncated: z.boolean(),
});
export type Trace = z.infer<typeof traceSchema>;

// Consumer lag (`/api/lag`, `/api/lag/status`), mirroring `collector/src/schemas/lag.ts`.

export const lagStatusNameSchema = z.enum(['OK', 'WARN', 'REWIND', 'STALL', 'STOP']);
export type LagStatusName = z.infer<typeof lagStatusNameSchema>;

export const lagSystemSchema = z.enum(['kafka', 'rabbitmq', 'in-process']);
export type LagSystem = z.infer<typeof lagSystemSchema>;

const nullableNumber = z.number().nullable();

export const lagPointSchema = z.object({
  t: z.number(),
  lag: z.number().min(0),
  lagSeconds: nullableNumber,
  drainSeconds: nullableNumber,
  status: lagStatusNameSchema,
});
export type LagPoint = z.infer<typeof lagPointSchema>;

export const lagSeriesSchema = z.object({
  system: lagSystemSchema,
  cluster: z.string(),
  group: z.string(),
  destination: z.string(),
  partition: z.number().int(),
  points: z.array(lagPointSchema),
});
export type LagSeries = z.infer<typeof lagSeriesSchema>;

export const queueTimePointSchema = z.object({
  t: z.number(),
  count: z.number().int().min(0),
  p50Ms: z.number(),
  p95Ms: z.number(),
  maxMs: z.number(),
});
export type QueueTimePoint = z.infer<typeof queueTimePointSchema>;

export const queueTimeSeriesSchema = z.object({
  group: z.string(),
  destination: z.string(),
  points: z.array(queueTimePointSchema),
});
export type QueueTimeSeries = z.infer<typeof queueTimeSeriesSchema>;

export const lagResponseSchema = z.object({
  from: isoTime,
  to: isoTime,
  resolutionMs: z.number().int().min(0),
  series: z.array(lagSeriesSchema),
  queueTime: z.array(queueTimeSeriesSchema),
  truncated: z.boolean(),
});
export type LagResponse = z.infer<typeof lagResponseSchema>;

export const partitionStatusSchema = z.object({
  destination: z.string(),
  partition: z.number().int(),
  status: lagStatusNameSchema,
  reason: z.string(),
  lag: z.number().min(0),
  lagSeconds: nullableNumber,
  drainSeconds: nullableNumber,
  noCommit: z.boolean(),
});
export type PartitionStatusView = z.infer<typeof partitionStatusSchema>;

export const destinationLagSchema = z.object({
  destination: z.string(),
  status: lagStatusNameSchema,
  reason: z.string(),
  lag: z.number().min(0),
  lagSeconds: nullableNumber,
  drainSeconds: nullableNumber,
});
export type DestinationLagView = z.infer<typeof destinationLagSchema>;

export const groupStatusSchema = z.object({
  system: lagSystemSchema,
  cluster: z.string(),
  source: z.string(),
  group: z.string(),
  status: lagStatusNameSchema,
  reason: z.string(),
  members: z.number().int().min(0),
  lag: z.number().min(0),
  lagSeconds: nullableNumber,
  drainSeconds: nullableNumber,
  destinations: z.array(destinationLagSchema),
  partitions: z.array(partitionStatusSchema),
  updatedAt: isoTime,
});
export type GroupStatusView = z.infer<typeof groupStatusSchema>;

export const lagSourceSchema = z.object({
  name: z.string(),
  system: lagSystemSchema,
  up: z.boolean(),
  error: z.string().nullable(),
  lastPollAt: isoTime.nullable(),
  lastPollMs: nullableNumber,
});
export type LagSourceView = z.infer<typeof lagSourceSchema>;

export const lagStatusResponseSchema = z.object({
  intervalMs: z.number().int(),
  sources: z.array(lagSourceSchema),
  groups: z.array(groupStatusSchema),
});
export type LagStatusResponse = z.infer<typeof lagStatusResponseSchema>;

// Alerting (`/api/alerts`, `/api/alerts/rules`), mirroring `collector/src/schemas/alerts.ts`.

export const alertMetricSchema = z.enum(['lag_messages', 'lag_seconds', 'status']);
export type AlertMetric = z.infer<typeof alertMetricSchema>;

const alertThreshold = z.union([z.number().min(0), lagStatusNameSchema]);
export type AlertThreshold = z.infer<typeof alertThreshold>;

const alertScopeFields = { group: z.string().optional(), destination: z.string().optional(), cluster: z.string().optional() };

export const alertRuleSchema = z.object({
  id: z.string(),
  name: z.string(),
  source: z.enum(['file', 'api']),
  metric: alertMetricSchema,
  threshold: alertThreshold,
  resolveThreshold: nullableNumber,
  for: z.string(),
  resolveFor: z.string().nullable(),
  scope: z.object(alertScopeFields),
  overrides: z.array(z.object({ ...alertScopeFields, threshold: alertThreshold.optional(), for: z.string().optional(), disabled: z.boolean().optional() })),
  silences: z.array(z.object({ ...alertScopeFields, until: isoTime, reason: z.string().optional() })),
  notify: z.array(z.object({ url: z.string(), format: z.enum(['json', 'slack']) })),
  enabled: z.boolean(),
});
export type AlertRuleView = z.infer<typeof alertRuleSchema>;

export const alertRulesResponseSchema = z.object({ rules: z.array(alertRuleSchema) });

/** What `POST /api/alerts/rules` takes (the subset of the YAML rule the UI's form writes). */
export interface AlertRuleBody {
  name: string;
  metric: AlertMetric;
  threshold: AlertThreshold;
  for?: string;
  scope?: { group?: string; destination?: string };
  notify?: { url: string; format: 'json' | 'slack' }[];
}

const alertFields = {
  ruleId: z.string(),
  ruleName: z.string(),
  metric: alertMetricSchema,
  cluster: z.string(),
  group: z.string(),
  destination: z.string(),
  value: alertThreshold,
  threshold: alertThreshold,
  message: z.string(),
  reason: z.string(),
  silenced: z.boolean(),
};

export const activeAlertSchema = z.object({
  id: z.string(),
  ...alertFields,
  state: z.enum(['pending', 'firing']),
  since: isoTime,
  firedAt: isoTime.nullable(),
});
export type ActiveAlertView = z.infer<typeof activeAlertSchema>;

export const alertEventSchema = z.object({
  id: z.string(),
  alertId: z.string(),
  ...alertFields,
  state: z.enum(['firing', 'resolved']),
  at: isoTime,
});
export type AlertEventView = z.infer<typeof alertEventSchema>;

export const alertsResponseSchema = z.object({
  active: z.array(activeAlertSchema),
  history: z.array(alertEventSchema),
});
export type AlertsResponse = z.infer<typeof alertsResponseSchema>;

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
