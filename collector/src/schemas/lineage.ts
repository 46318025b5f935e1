/** Schemas of `/api/events/:id/lineage`. */
import { Type, type Static, type TLiteral } from 'typebox';
import { EventStatus, IsoTime, Nullable } from './common.js';

export const MAX_LINEAGE_DEPTH = 50;
export const DEFAULT_LINEAGE_DEPTH = 10;

const directions = (): [TLiteral<'up'>, TLiteral<'down'>, TLiteral<'both'>] => [Type.Literal('up'), Type.Literal('down'), Type.Literal('both')];

export const LineageDirection = Type.Union(directions());
export type LineageDirection = Static<typeof LineageDirection>;

export const LineageQuery = Type.Object(
  {
    direction: Type.Optional(Type.Union(directions(), { default: 'both', errorMessage: 'direction must be one of up, down, both' })),
    depth: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_LINEAGE_DEPTH,
        default: DEFAULT_LINEAGE_DEPTH,
        errorMessage: `depth must be an integer between 1 and ${MAX_LINEAGE_DEPTH}`,
      }),
    ),
  },
  { additionalProperties: false },
);
export type LineageQuery = Static<typeof LineageQuery>;

export const LineageNode = Type.Object({
  id: Type.String(),
  type: Nullable(Type.String()),
  /** The producing service; null for an event whose producer span was never seen. */
  service: Nullable(Type.String()),
  destination: Nullable(Type.String()),
  publishedAt: Nullable(IsoTime),
  status: EventStatus,
  /** Hops from the root: negative for ancestors, positive for descendants, 0 for the root. */
  distance: Type.Integer(),
  /** The event's dead-letter record (`/api/deadletters/:id`), when it dead-lettered. */
  deadLetterId: Type.Optional(Nullable(Type.String())),
});
export type LineageNode = Static<typeof LineageNode>;

export const LineageEdge = Type.Object({
  from: Type.String(),
  to: Type.String(),
  via: Type.Union([Type.Literal('attribute'), Type.Literal('span-tree'), Type.Literal('link')]),
});
export type LineageEdge = Static<typeof LineageEdge>;

export const Lineage = Type.Object({
  root: Type.String(),
  direction: LineageDirection,
  depth: Type.Integer(),
  nodes: Type.Array(LineageNode),
  edges: Type.Array(LineageEdge),
  /** True when the node budget stopped the walk before `depth` was reached. */
  truncated: Type.Boolean(),
});
export type Lineage = Static<typeof Lineage>;
