/**
 * @causeway/instrumentation — trace context and causal event ids through Kafka (kafkajs) and
 * RabbitMQ (amqplib) messages, exported to a Causeway collector over OTLP/HTTP.
 */
export { startCauseway } from './sdk/start.js';
export { TimeOrderedIdGenerator } from './sdk/time-ordered-ids.js';
export { instrumentKafkaJs, CausewayKafkaJsInstrumentation, type KafkaJsInstrumentationConfig, type KafkaClientLike } from './kafkajs/index.js';
export { CausewayAmqplibInstrumentation, instrumentAmqplib, instrumentAmqpChannel } from './amqplib/index.js';
export {
  createMessagingInstrumentation,
  ATTR_CAUSEWAY_DELIVERY_ATTEMPT,
  type CustomEventTypeOptions,
  type CustomMessageInfo,
  type CustomMessagingOptions,
  type IncomingDelivery,
  type MessageHeaders,
  type MessagingInstrumentation,
  type OutgoingMessage,
  type PublishContext,
  type SettleOutcome,
} from './custom/index.js';
export { runWithMessageContext } from './core/message-context.js';
export { currentEventId } from './core/event-identity.js';
export { errorFingerprint, normaliseErrorMessage } from './core/fingerprint.js';
export {
  deadLetterHeaders,
  sendKafkaDeadLetter,
  publishAmqpDeadLetter,
  recordMessageFailure,
  DEFAULT_PAYLOAD_MAX_BYTES,
  DEFAULT_REDACT_HEADERS,
  DEFAULT_REDACT_JSON_KEYS,
  REDACTED,
  type AmqpDeadLetterOptions,
  type DeadLetterCopy,
  type DeadLetterFailure,
  type DeadLetterOrigin,
  type KafkaDeadLetterOptions,
} from './dead-letter/index.js';
export type { CausewayHandle, CausewayOptions, EventTypeOptions, MessageInfo, MessagingInstrumentationOptions, PayloadCaptureOptions } from './types.js';
export * as semconv from './semconv.js';
