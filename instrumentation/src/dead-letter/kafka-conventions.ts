/**
 * Dead-letter records written by other Kafka tooling, read from a message consumed off a DLT:
 * Spring Kafka's `DeadLetterPublishingRecoverer` (`kafka_dlt-*`, partition/offset/timestamp as
 * big-endian binary) and Kafka Connect's error reporter (`__connect.errors.*`, all UTF-8 text).
 */
import type { Attributes } from '@opentelemetry/api';
import { errorFingerprint } from '../core/fingerprint.js';
import { findHeader, type HeaderBag } from '../core/headers.js';
import {
  ATTR_CAUSEWAY_DL_CONNECT_CLASS,
  ATTR_CAUSEWAY_DL_CONNECT_CONNECTOR,
  ATTR_CAUSEWAY_DL_CONNECT_STAGE,
  ATTR_CAUSEWAY_DL_CONNECT_TASK_ID,
  ATTR_CAUSEWAY_DL_CONVENTION,
  ATTR_CAUSEWAY_DL_ERROR_FINGERPRINT,
  ATTR_CAUSEWAY_DL_ERROR_MESSAGE,
  ATTR_CAUSEWAY_DL_ERROR_STACKTRACE,
  ATTR_CAUSEWAY_DL_ERROR_TYPE,
  ATTR_CAUSEWAY_DL_ORIGIN_DESTINATION,
  ATTR_CAUSEWAY_DL_ORIGIN_GROUP,
  ATTR_CAUSEWAY_DL_ORIGIN_OFFSET,
  ATTR_CAUSEWAY_DL_ORIGIN_PARTITION,
  ATTR_CAUSEWAY_DL_ORIGIN_PUBLISHED_AT,
} from '../semconv.js';
import { MAX_ERROR_MESSAGE_BYTES, MAX_NAME_BYTES, MAX_STACKTRACE_BYTES, cappedText, headerInteger, headerTime } from './header-values.js';

const SPRING = 'kafka_dlt-';
const CONNECT = '__connect.errors.';

export function springDeadLetterAttributes(headers: HeaderBag | undefined | null): Attributes {
  const read = (suffix: string): unknown => findHeader(headers, `${SPRING}${suffix}`);
  const topic = cappedText(read('original-topic'), MAX_NAME_BYTES);
  const outerType = cappedText(read('exception-fqcn'), MAX_NAME_BYTES);
  if (topic === undefined && outerType === undefined) return {};
  const attributes: Attributes = { [ATTR_CAUSEWAY_DL_CONVENTION]: 'spring-kafka' };
  if (topic !== undefined) attributes[ATTR_CAUSEWAY_DL_ORIGIN_DESTINATION] = topic;
  setPartition(attributes, read('original-partition'));
  setInteger(attributes, ATTR_CAUSEWAY_DL_ORIGIN_OFFSET, read('original-offset'));
  const publishedAt = headerTime(read('original-timestamp'));
  if (publishedAt !== undefined) attributes[ATTR_CAUSEWAY_DL_ORIGIN_PUBLISHED_AT] = publishedAt;
  setText(attributes, ATTR_CAUSEWAY_DL_ORIGIN_GROUP, read('original-consumer-group'), MAX_NAME_BYTES);
  // Spring wraps the listener's exception (ListenerExecutionFailedException): the cause is the real failure.
  const type = cappedText(read('exception-cause-fqcn'), MAX_NAME_BYTES) ?? outerType;
  setError(attributes, type, read('exception-message'), read('exception-stacktrace'));
  return attributes;
}

export function connectDeadLetterAttributes(headers: HeaderBag | undefined | null): Attributes {
  const read = (suffix: string): unknown => findHeader(headers, `${CONNECT}${suffix}`);
  const topic = cappedText(read('topic'), MAX_NAME_BYTES);
  const type = cappedText(read('exception.class.name'), MAX_NAME_BYTES);
  const connector = cappedText(read('connector.name'), MAX_NAME_BYTES);
  if (topic === undefined && type === undefined && connector === undefined) return {};
  const attributes: Attributes = { [ATTR_CAUSEWAY_DL_CONVENTION]: 'kafka-connect' };
  if (topic !== undefined) attributes[ATTR_CAUSEWAY_DL_ORIGIN_DESTINATION] = topic;
  setPartition(attributes, read('partition'));
  setInteger(attributes, ATTR_CAUSEWAY_DL_ORIGIN_OFFSET, read('offset'));
  if (connector !== undefined) attributes[ATTR_CAUSEWAY_DL_CONNECT_CONNECTOR] = connector;
  setText(attributes, ATTR_CAUSEWAY_DL_CONNECT_TASK_ID, read('task.id'), MAX_NAME_BYTES);
  setText(attributes, ATTR_CAUSEWAY_DL_CONNECT_STAGE, read('stage'), MAX_NAME_BYTES);
  setText(attributes, ATTR_CAUSEWAY_DL_CONNECT_CLASS, read('class.name'), MAX_NAME_BYTES);
  setError(attributes, type, read('exception.message'), read('exception.stacktrace'));
  return attributes;
}

/** Error type/message/stack, and the fingerprint whenever a type or message is known. */
export function setError(attributes: Attributes, type: string | undefined, rawMessage: unknown, rawStack: unknown): void {
  const message = cappedText(rawMessage, MAX_ERROR_MESSAGE_BYTES);
  const stack = cappedText(rawStack, MAX_STACKTRACE_BYTES);
  if (type !== undefined) attributes[ATTR_CAUSEWAY_DL_ERROR_TYPE] = type;
  if (message !== undefined) attributes[ATTR_CAUSEWAY_DL_ERROR_MESSAGE] = message;
  if (stack !== undefined) attributes[ATTR_CAUSEWAY_DL_ERROR_STACKTRACE] = stack;
  if (type !== undefined || message !== undefined) attributes[ATTR_CAUSEWAY_DL_ERROR_FINGERPRINT] = errorFingerprint(type, message);
}

/** Partition ids are strings on spans, as `messaging.destination.partition.id` is. */
function setPartition(attributes: Attributes, raw: unknown): void {
  const partition = headerInteger(raw);
  if (partition !== undefined) attributes[ATTR_CAUSEWAY_DL_ORIGIN_PARTITION] = String(partition);
}

function setInteger(attributes: Attributes, key: string, raw: unknown): void {
  const value = headerInteger(raw);
  if (value !== undefined) attributes[key] = value;
}

function setText(attributes: Attributes, key: string, raw: unknown, maxBytes: number): void {
  const value = cappedText(raw, maxBytes);
  if (value !== undefined) attributes[key] = value;
}
