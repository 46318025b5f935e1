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
/**
 * On a process/receive span: how its message was settled (`ack`, `nack`, `reject`), recorded on the
 * span itself instead of a separate settle span (the default of the amqplib adapter; see the
 * `settleSpans` option). With `causeway.settle.requeue`, and `causeway.settle.multiple` = true
 * when one call settled several messages (`multiple`, ackAll, nackAll).
 */
export const ATTR_CAUSEWAY_SETTLE_OPERATION = 'causeway.settle.operation';
export const ATTR_CAUSEWAY_SETTLE_MULTIPLE = 'causeway.settle.multiple';
/** The broker marked this delivery as a redelivery (recorded only when it did). */
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

// --- Failures and dead letters ----------------------------------------------------------------
// Written by the SDK (consumer failures, dead-letter conventions it recognises on incoming messages,
// and its own retry / dead-letter helper); read by the collector's dead-letter records.

/** On a process span: which delivery of this message to this consumer group it was (1 = first). */
export const ATTR_CAUSEWAY_DELIVERY_ATTEMPT = 'causeway.message.delivery_attempt';
/** On a failed process span: the normalised error fingerprint (see `errorFingerprint`). */
export const ATTR_CAUSEWAY_ERROR_FINGERPRINT = 'causeway.error.fingerprint';
/**
 * Which convention the dead-letter facts on a span came from: `rabbitmq` (x-death, x-first-death-*,
 * x-delivery-count), `spring-kafka` (kafka_dlt-* headers), `kafka-connect` (__connect.errors.*) or
 * `causeway` (the SDK's own retry / dead-letter helper).
 */
export const ATTR_CAUSEWAY_DL_CONVENTION = 'causeway.dead_letter.convention';
/** Where the message was consumed when it failed: destination, partition, offset, consumer group. */
export const ATTR_CAUSEWAY_DL_ORIGIN_DESTINATION = 'causeway.dead_letter.origin.destination';
export const ATTR_CAUSEWAY_DL_ORIGIN_PARTITION = 'causeway.dead_letter.origin.partition';
export const ATTR_CAUSEWAY_DL_ORIGIN_OFFSET = 'causeway.dead_letter.origin.offset';
export const ATTR_CAUSEWAY_DL_ORIGIN_GROUP = 'causeway.dead_letter.origin.group';
/** Deliveries before the message was dead-lettered (or retried). */
export const ATTR_CAUSEWAY_DL_ATTEMPTS = 'causeway.dead_letter.attempts';
/** The failure that dead-lettered it. */
export const ATTR_CAUSEWAY_DL_ERROR_TYPE = 'causeway.dead_letter.error.type';
export const ATTR_CAUSEWAY_DL_ERROR_MESSAGE = 'causeway.dead_letter.error.message';
export const ATTR_CAUSEWAY_DL_ERROR_STACKTRACE = 'causeway.dead_letter.error.stacktrace';
export const ATTR_CAUSEWAY_DL_ERROR_FINGERPRINT = 'causeway.dead_letter.error.fingerprint';
/** Epoch ms of the first and the last failure. */
export const ATTR_CAUSEWAY_DL_FIRST_FAILURE_AT = 'causeway.dead_letter.first_failure_at_ms';
export const ATTR_CAUSEWAY_DL_LAST_FAILURE_AT = 'causeway.dead_letter.last_failure_at_ms';
/** Event id of the original message, when the dead-letter copy carries a different one. */
export const ATTR_CAUSEWAY_DL_ORIGINAL_EVENT_ID = 'causeway.dead_letter.original_event_id';
/** Quorum queues' `x-delivery-count`. */
export const ATTR_CAUSEWAY_DELIVERY_COUNT = 'causeway.message.delivery_count';

/** Opt-in payload capture (`capturePayload`): redacted, size-capped body and headers. */
export const ATTR_CAUSEWAY_MESSAGE_PAYLOAD = 'causeway.message.payload';
export const ATTR_CAUSEWAY_MESSAGE_PAYLOAD_TRUNCATED = 'causeway.message.payload.truncated';
/** JSON object of the message's headers after redaction (only with payload capture on). */
export const ATTR_CAUSEWAY_MESSAGE_HEADERS = 'causeway.message.headers';

/** Provenance headers the SDK's retry / dead-letter helper writes on the message it republishes. */
export const HEADER_DL_ORIGIN_DESTINATION = 'causeway-dl-origin-destination';
export const HEADER_DL_ORIGIN_PARTITION = 'causeway-dl-origin-partition';
export const HEADER_DL_ORIGIN_OFFSET = 'causeway-dl-origin-offset';
export const HEADER_DL_ORIGIN_GROUP = 'causeway-dl-origin-group';
export const HEADER_DL_ATTEMPTS = 'causeway-dl-attempts';
export const HEADER_DL_ERROR_TYPE = 'causeway-dl-error-type';
export const HEADER_DL_ERROR_MESSAGE = 'causeway-dl-error-message';
export const HEADER_DL_ERROR_FINGERPRINT = 'causeway-dl-error-fingerprint';
export const HEADER_DL_FIRST_FAILURE_AT = 'causeway-dl-first-failure-at';
export const HEADER_DL_ORIGINAL_EVENT_ID = 'causeway-dl-original-event-id';
/** `retry` for a copy republished to be tried again, `dead-letter` (the default) for a parked one. */
export const HEADER_DL_KIND = 'causeway-dl-kind';
/** From `causeway-dl-kind`: a retry copy is not a dead letter (the collector records no dead letter for it). */
export const ATTR_CAUSEWAY_DL_KIND = 'causeway.dead_letter.kind';

// Added by the SDK's dead-letter work (same section: failures and dead letters).
/** Causeway helper: when this copy was republished, i.e. the time of the latest failure (epoch ms). */
export const HEADER_DL_LAST_FAILURE_AT = 'causeway-dl-last-failure-at';
/** Causeway helper: the failure's stack trace, capped (4 KiB) so the header stays small. */
export const HEADER_DL_ERROR_STACKTRACE = 'causeway-dl-error-stacktrace';
/** RabbitMQ x-death (newest entry): the exchange and routing keys the message was published with. */
export const ATTR_CAUSEWAY_DL_ORIGIN_EXCHANGE = 'causeway.dead_letter.origin.exchange';
export const ATTR_CAUSEWAY_DL_ORIGIN_ROUTING_KEYS = 'causeway.dead_letter.origin.routing_keys';
/** Spring Kafka `kafka_dlt-original-timestamp`: when the original record was produced (epoch ms). */
export const ATTR_CAUSEWAY_DL_ORIGIN_PUBLISHED_AT = 'causeway.dead_letter.origin.published_at_ms';
/** Kafka Connect `__connect.errors.*`: which connector, task and stage failed, and the plugin class. */
export const ATTR_CAUSEWAY_DL_CONNECT_CONNECTOR = 'causeway.dead_letter.connect.connector';
export const ATTR_CAUSEWAY_DL_CONNECT_TASK_ID = 'causeway.dead_letter.connect.task_id';
export const ATTR_CAUSEWAY_DL_CONNECT_STAGE = 'causeway.dead_letter.connect.stage';
export const ATTR_CAUSEWAY_DL_CONNECT_CLASS = 'causeway.dead_letter.connect.class_name';
/** Payload capture on, but the body was left out: `binary` or `too_large_to_redact`. */
export const ATTR_CAUSEWAY_MESSAGE_PAYLOAD_OMITTED_REASON = 'causeway.message.payload.omitted_reason';
