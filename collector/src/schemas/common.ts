/**
 * Building blocks shared by the API schemas.
 *
 * `errorMessage` is our own annotation (JSON Schema allows extra keywords): the API's validator
 * answers a bad parameter with that sentence instead of a generic schema error, so a client reads
 * e.g. "depth must be an integer between 1 and 50".
 */
import { Type, type Static, type TSchema } from 'typebox';

/** An ISO-8601 UTC timestamp, e.g. `2025-01-15T10:00:00.000Z`. */
export const IsoTime = Type.String({ format: 'date-time', description: 'ISO-8601 UTC time' });

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** A time bound given as ISO-8601 or epoch milliseconds; parsed by the query layer. */
export const TimeParam = (name: string) =>
  Type.String({ maxLength: 64, description: 'ISO-8601 time or epoch milliseconds', errorMessage: `${name} must be an ISO-8601 time or epoch milliseconds` });

export const ErrorResponse = Type.Object({
  error: Type.String({ description: 'short, stable reason' }),
  message: Type.Optional(Type.String({ description: 'what was wrong, for people' })),
  id: Type.Optional(Type.String({ description: 'the id that was not found' })),
});
export type ErrorResponse = Static<typeof ErrorResponse>;

export const DeliveryOutcome = Type.Union([
  Type.Literal('ok'),
  Type.Literal('error'),
  Type.Literal('retried'),
  Type.Literal('dead-lettered'),
  Type.Literal('pending'),
]);

/**
 * An event's status from its deliveries: `dead-lettered`, then `error`, win over `retried`, which
 * wins over `ok`; `pending` when no consumer has handled it yet. A failed send is `error`.
 */
export const EventStatus = DeliveryOutcome;
export type EventStatus = Static<typeof EventStatus>;
