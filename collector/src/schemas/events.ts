/** Schemas of `/api/events` and `/api/events/:id`. */
import { Type, type Static } from 'typebox';
import { DeliveryOutcome, EventStatus, IsoTime, Nullable, TimeParam } from './common.js';

export const EventIdParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 512, errorMessage: 'id must be 1 to 512 characters' }),
});
export type EventIdParams = Static<typeof EventIdParams>;

/** One consumer's handling of the event. */
export const EventConsumer = Type.Object({
  service: Type.String(),
  group: Nullable(Type.String()),
  system: Nullable(Type.String()),
  destination: Nullable(Type.String()),
  outcome: DeliveryOutcome,
  receivedAt: IsoTime,
  processedAt: IsoTime,
  durationMs: Type.Number({ description: 'processing time' }),
  queueMs: Nullable(Type.Number({ description: 'publish → start of processing, when known' })),
  traceId: Type.String(),
  spanId: Type.String(),
});
export type EventConsumer = Static<typeof EventConsumer>;

const eventFields = {
  id: Type.String({ description: 'messaging.message.id when the producer recorded one, else <traceId>-<spanId> of the producer span' }),
  type: Nullable(Type.String()),
  /** Null when the producer span has not been seen: the event is known only from its consumers. */
  traceId: Nullable(Type.String()),
  spanId: Nullable(Type.String()),
  producer: Nullable(Type.Object({ service: Type.String() })),
  destination: Nullable(Type.String()),
  system: Nullable(Type.String()),
  publishedAt: Nullable(IsoTime),
  sendDurationMs: Nullable(Type.Number()),
  sendError: Type.Boolean(),
  status: EventStatus,
};

export const EventSummary = Type.Object({ ...eventFields, consumerCount: Type.Integer({ minimum: 0 }) });
export type EventSummary = Static<typeof EventSummary>;

export const EventDetail = Type.Object({ ...eventFields, consumers: Type.Array(EventConsumer) });
export type EventDetail = Static<typeof EventDetail>;

export const MAX_SEARCH_LIMIT = 1000;
export const DEFAULT_SEARCH_LIMIT = 50;

export const EventSearchQuery = Type.Object(
  {
    type: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'exact event type', errorMessage: 'type must be a single non-empty value' })),
    service: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'exact producing service', errorMessage: 'service must be a single non-empty value' })),
    destination: Type.Optional(Type.String({ minLength: 1, maxLength: 512, description: 'exact destination', errorMessage: 'destination must be a single non-empty value' })),
    /** Bounds on the publish time. */
    from: Type.Optional(TimeParam('from')),
    to: Type.Optional(TimeParam('to')),
    limit: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_SEARCH_LIMIT,
        default: DEFAULT_SEARCH_LIMIT,
        errorMessage: `limit must be an integer between 1 and ${MAX_SEARCH_LIMIT}`,
      }),
    ),
  },
  { additionalProperties: false },
);
export type EventSearchQuery = Static<typeof EventSearchQuery>;

export const EventSearchResponse = Type.Object({ events: Type.Array(EventSummary) });
export type EventSearchResponse = Static<typeof EventSearchResponse>;
