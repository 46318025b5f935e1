/** Failures, dead-letter conventions, retry / dead-letter provenance and payload capture, shared by every adapter. */
export { deadLetterHeaders, type DeadLetterCopy, type DeadLetterFailure, type DeadLetterOrigin } from './provenance.js';
export {
  publishAmqpDeadLetter,
  sendKafkaDeadLetter,
  type AmqpChannelLike,
  type AmqpDeadLetterOptions,
  type AmqpMessageLike,
  type KafkaDeadLetterOptions,
  type KafkaMessageLike,
  type KafkaProducerLike,
} from './republish.js';
export { recordMessageFailure } from './failure.js';
export { DEFAULT_PAYLOAD_MAX_BYTES, DEFAULT_REDACT_HEADERS, DEFAULT_REDACT_JSON_KEYS, REDACTED } from './payload.js';
