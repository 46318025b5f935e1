/**
 * Dead-letter facts on an incoming message, whichever convention wrote them. When several are
 * present (e.g. a Causeway-republished copy that RabbitMQ later dead-lettered again), all are read
 * and the more specific writer wins per attribute: Causeway, then Spring, then Connect, then the
 * broker's own x-death; `causeway.dead_letter.convention` names the winner.
 */
import type { Attributes } from '@opentelemetry/api';
import { guard } from '../core/guard.js';
import { hasHeaderWithPrefix, type HeaderBag } from '../core/headers.js';
import { ATTR_CAUSEWAY_DL_CONVENTION, ATTR_CAUSEWAY_DL_LAST_FAILURE_AT } from '../semconv.js';
import { connectDeadLetterAttributes, springDeadLetterAttributes } from './kafka-conventions.js';
import { causewayDeadLetterAttributes } from './provenance.js';
import { rabbitmqDeadLetterAttributes } from './rabbitmq-convention.js';

export interface IncomingMessageTimes {
  /** When the consumed copy was published (e.g. the Kafka record timestamp), epoch ms. */
  publishedAtMs?: number;
}

/**
 * Every header the conventions below read starts with one of these (RabbitMQ `x-death`,
 * `x-first-death-*`, `x-delivery-count`; Kafka Connect; Spring Kafka; Causeway's own helper).
 */
const DEAD_LETTER_HEADER_PREFIXES = ['x-death', 'x-first-death-', 'x-delivery-count', '__connect.errors.', 'kafka_dlt-', 'causeway-dl-'];

/** Never throws: a malformed header only means fewer attributes. */
export function incomingDeadLetterAttributes(headers: HeaderBag | undefined | null, times: IncomingMessageTimes = {}): Attributes {
  // Most messages were never dead-lettered: one pass over the header names instead of ~25 lookups.
  if (!hasHeaderWithPrefix(headers, DEAD_LETTER_HEADER_PREFIXES)) return {};
  const layers = [rabbitmqDeadLetterAttributes, connectDeadLetterAttributes, springDeadLetterAttributes, causewayDeadLetterAttributes];
  const attributes: Attributes = {};
  for (const read of layers) {
    const found = guard('dead-letter header parsing', () => read(headers));
    if (found) Object.assign(attributes, found);
  }
  // Spring and Connect publish the copy right when the record failed: its timestamp is the failure time.
  if (attributes[ATTR_CAUSEWAY_DL_CONVENTION] !== undefined && attributes[ATTR_CAUSEWAY_DL_LAST_FAILURE_AT] === undefined) {
    const at = times.publishedAtMs;
    if (at !== undefined && Number.isFinite(at) && at > 0 && attributes[ATTR_CAUSEWAY_DL_CONVENTION] !== 'rabbitmq') attributes[ATTR_CAUSEWAY_DL_LAST_FAILURE_AT] = at;
  }
  return attributes;
}
