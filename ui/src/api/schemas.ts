/**
 * Runtime schemas of the collector's `/api` answers, mirroring the TypeBox schemas in
 * `collector/src/schemas/`. Every response is parsed with these before the UI touches it, so a
 * collector of another version (or a proxy answering with HTML) shows an error, not a blank page.
 * Objects are not strict: a newer collector may add fields.
 */
import { z } from 'zod';
import { isoTime } from './schema-primitives';

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

export * from './lag-schemas';
export * from './dead-letter-schemas';
