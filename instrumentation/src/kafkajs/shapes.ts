/**
 * The parts of kafkajs 2.x this adapter touches, described structurally.
 *
 * The adapter never imports kafkajs at runtime (it patches whatever copy the app loads), and the
 * published types must not require kafkajs to be installed, so these are minimal shapes rather than
 * kafkajs's own types. Everything is optional or `unknown` where a caller could pass something odd:
 * the instrumentation must tolerate it and let kafkajs report the mistake.
 */

/** A message as the app hands it to `send`/`sendBatch`. */
export interface OutgoingMessage {
  key?: unknown;
  value?: unknown;
  partition?: unknown;
  headers?: unknown;
  [other: string]: unknown;
}

export interface TopicMessages {
  topic?: unknown;
  messages?: unknown;
  [other: string]: unknown;
}

/** One entry of what `send` resolves to: where a batch of messages landed. */
export interface RecordMetadata {
  topicName?: unknown;
  partition?: unknown;
  baseOffset?: unknown;
}

/** A message as kafkajs hands it to `eachMessage` / `eachBatch`. */
export interface ConsumedMessage {
  key?: unknown;
  value?: unknown;
  timestamp?: unknown;
  offset?: unknown;
  headers?: unknown;
}

export interface EachMessagePayload {
  topic?: unknown;
  partition?: unknown;
  message?: ConsumedMessage;
  [other: string]: unknown;
}

export interface EachBatchPayload {
  batch?: { topic?: unknown; partition?: unknown; messages?: unknown };
  resolveOffset?: unknown;
  [other: string]: unknown;
}

/** Producer and consumer objects expose kafkajs instrumentation events through `on`. */
export interface EventSource {
  on?: unknown;
  events?: unknown;
}

// `any` on purpose: the patched functions are kafkajs's or the app's, of any arity and argument types.
export type AnyFunction = (this: unknown, ...args: any[]) => any;

/** The kafkajs client (`new Kafka(...)`): what `instrumentKafkaJs` accepts. */
export interface KafkaClientLike {
  producer(...args: never[]): unknown;
  consumer(...args: never[]): unknown;
}
