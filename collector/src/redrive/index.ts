/**
 * Safe redrive of dead letters through the real broker. Broker clients (kafkajs, amqplib) load only
 * when a dead letter of that system is first redriven. The routes live in `routes/api/redrive.ts`.
 */
export {
  RedriveService,
  DeadLetterNotFoundError,
  RedriveUnavailableError,
  DEFAULT_RATE_PER_SECOND,
  DEFAULT_TIME_BUDGET_MS,
  systemOf,
  type RedriveBrokers,
  type RedriveOptions,
  type RedriveRequestOptions,
  type RedriveStore,
  type RedriveSystem,
  type DeadLetterFilter,
} from './service.js';
export type { BrokerRedriver, BrokerRedriveContext, JobOutcome, RedriveJob, RedriveTarget } from './broker.js';
export { auditActor, MAX_ACTOR_LENGTH } from './actor.js';
export { HEADER_REDRIVE_COUNT, HEADER_REDRIVE_OF } from './headers.js';
export { TokenBucket } from './token-bucket.js';
export { default as redriveRoutes, type RedriveRoutesOptions } from '../routes/api/redrive.js';
