/**
 * Attribute and value names used on Causeway spans, in one place.
 *
 * The `messaging.*` names follow the OpenTelemetry messaging semantic conventions (v1.44). They live
 * in the incubating part of `@opentelemetry/semantic-conventions`, whose exports may move between
 * releases, so we pin the strings here as the contrib instrumentations do.
 * The `causeway.*` names are Causeway's own; the collector reads them (keep the two in sync).
 */

export const ATTR_MESSAGING_SYSTEM = 'messaging.system';
export const ATTR_MESSAGING_OPERATION_TYPE = 'messaging.operation.type';
export const ATTR_MESSAGING_OPERATION_NAME = 'messaging.operation.name';
export const ATTR_MESSAGING_DESTINATION_NAME = 'messaging.destination.name';
export const ATTR_MESSAGING_DESTINATION_TEMPLATE = 'messaging.destination.template';
export const ATTR_MESSAGING_DESTINATION_PARTITION_ID = 'messaging.destination.partition.id';
export const ATTR_MESSAGING_CONSUMER_GROUP_NAME = 'messaging.consumer.group.name';
export const ATTR_MESSAGING_MESSAGE_ID = 'messaging.message.id';
export const ATTR_MESSAGING_MESSAGE_CONVERSATION_ID = 'messaging.message.conversation_id';
export const ATTR_MESSAGING_MESSAGE_BODY_SIZE = 'messaging.message.body.size';
export const ATTR_MESSAGING_BATCH_MESSAGE_COUNT = 'messaging.batch.message_count';
export const ATTR_MESSAGING_CLIENT_ID = 'messaging.client.id';
export const ATTR_MESSAGING_KAFKA_OFFSET = 'messaging.kafka.offset';
export const ATTR_MESSAGING_KAFKA_MESSAGE_KEY = 'messaging.kafka.message.key';
export const ATTR_MESSAGING_KAFKA_MESSAGE_TOMBSTONE = 'messaging.kafka.message.tombstone';
export const ATTR_MESSAGING_RABBITMQ_ROUTING_KEY = 'messaging.rabbitmq.destination.routing_key';
export const ATTR_MESSAGING_RABBITMQ_DELIVERY_TAG = 'messaging.rabbitmq.message.delivery_tag';
export const ATTR_SERVER_ADDRESS = 'server.address';
export const ATTR_SERVER_PORT = 'server.port';
export const ATTR_ERROR_TYPE = 'error.type';

export const MESSAGING_SYSTEM_KAFKA = 'kafka';
export const MESSAGING_SYSTEM_RABBITMQ = 'rabbitmq';

/** Values of `messaging.operation.type`. */
export const OPERATION_SEND = 'send';
export const OPERATION_RECEIVE = 'receive';
export const OPERATION_PROCESS = 'process';
export const OPERATION_SETTLE = 'settle';
export const OPERATION_CREATE = 'create';

// --- Causeway's own attributes -------------------------------------------------------------

/** Type of the business event carried by the message, e.g. `OrderPlaced`. */
export const ATTR_CAUSEWAY_EVENT_TYPE = 'causeway.event.type';
/** Event id of the message being processed when this message was published (the causal parent). */
export const ATTR_CAUSEWAY_EVENT_PARENT_ID = 'causeway.event.parent_id';
/** Publish time of the message in epoch milliseconds, as seen by the consumer (e.g. Kafka timestamp). */
export const ATTR_CAUSEWAY_MESSAGE_PUBLISHED_AT = 'causeway.message.published_at_ms';
/** Milliseconds between publish and the start of processing. */
export const ATTR_CAUSEWAY_TIME_IN_QUEUE_MS = 'causeway.message.time_in_queue_ms';
/** Why the incoming trace context was not used (the span became a new root). */
export const ATTR_CAUSEWAY_CONTEXT_DROPPED_REASON = 'causeway.context.dropped_reason';
/** Settlement: `ack`, `nack`, `reject`; and whether the broker was asked to requeue. */
export const ATTR_CAUSEWAY_SETTLE_REQUEUE = 'causeway.settle.requeue';
/** The broker marked this delivery as a redelivery. */
export const ATTR_CAUSEWAY_REDELIVERED = 'causeway.message.redelivered';
/** Parsed from the first RabbitMQ `x-death` entry: how the message was dead-lettered. */
export const ATTR_CAUSEWAY_DEATH_COUNT = 'causeway.dead_letter.count';
export const ATTR_CAUSEWAY_DEATH_REASON = 'causeway.dead_letter.reason';
export const ATTR_CAUSEWAY_DEATH_QUEUE = 'causeway.dead_letter.original_queue';
export const ATTR_CAUSEWAY_DEATH_EXCHANGE = 'causeway.dead_letter.original_exchange';

// --- Header names Causeway writes on messages -------------------------------------------------

/** Event id written by the SDK when the broker has no native message id (Kafka, AMQP without messageId). */
export const HEADER_EVENT_ID = 'causeway-event-id';
/** Default header read for the event type. */
export const HEADER_EVENT_TYPE = 'causeway-event-type';

// --- Added for the RabbitMQ adapter -----------------------------------------------------------

/** Semconv: the destination is server-named / anonymous (e.g. RabbitMQ `amq.gen-…` queues). */
export const ATTR_MESSAGING_DESTINATION_ANONYMOUS = 'messaging.destination.anonymous';
/**
 * Set on a process/receive span that ended without a settlement being seen: `channel_closed`
 * (the broker will redeliver it) or `too_many_open` (evicted to bound memory).
 */
export const ATTR_CAUSEWAY_UNSETTLED_REASON = 'causeway.settle.unsettled_reason';
/** From RabbitMQ's `x-first-death-*` headers: where the message was dead-lettered the first time. */
export const ATTR_CAUSEWAY_DEATH_FIRST_REASON = 'causeway.dead_letter.first_reason';
export const ATTR_CAUSEWAY_DEATH_FIRST_QUEUE = 'causeway.dead_letter.first_queue';
export const ATTR_CAUSEWAY_DEATH_FIRST_EXCHANGE = 'causeway.dead_letter.first_exchange';
