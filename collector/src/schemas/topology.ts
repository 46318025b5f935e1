/** Schemas of `/api/topology`. */
import { Type, type Static } from 'typebox';
import { TimeParam } from './common.js';

export const TopologyQuery = Type.Object({ from: Type.Optional(TimeParam('from')), to: Type.Optional(TimeParam('to')) }, { additionalProperties: false });
export type TopologyQuery = Static<typeof TopologyQuery>;

/** Node ids are `service:<service.name>` and `destination:<messaging.destination.name>`. */
export const TopologyNode = Type.Object({
  id: Type.String(),
  kind: Type.Union([Type.Literal('service'), Type.Literal('destination')]),
  name: Type.String(),
});
export type TopologyNode = Static<typeof TopologyNode>;

/**
 * service → destination: what a service published (latency = send time; errors = failed sends).
 * destination → service: what a consumer group handled (latency = publish → end of processing,
 * or processing time when the queue time is unknown; errors = deliveries that ended in `error` or
 * `dead-lettered`, while `retried` is not counted: the message is still being handled).
 */
export const TopologyEdge = Type.Object({
  from: Type.String(),
  to: Type.String(),
  group: Type.Optional(Type.String()),
  count: Type.Integer({ minimum: 0 }),
  errors: Type.Integer({ minimum: 0 }),
  p50Ms: Type.Number(),
  p99Ms: Type.Number(),
});
export type TopologyEdge = Static<typeof TopologyEdge>;

export const Topology = Type.Object({
  from: Type.String({ format: 'date-time' }),
  to: Type.String({ format: 'date-time' }),
  nodes: Type.Array(TopologyNode),
  edges: Type.Array(TopologyEdge),
});
export type Topology = Static<typeof Topology>;
