/** Runtime schemas of the consumer lag and alert answers (see `schemas.ts` for why). */
import { z } from 'zod';
import { isoTime } from './schema-primitives';

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
