// @ts-check
/**
 * The services the integration tests need, in the order they are reported.
 */
import { elasticsearch } from './elasticsearch.js';
import { kafka } from './kafka.js';
import { rabbitmq } from './rabbitmq.js';

/** @typedef {'elasticsearch' | 'kafka' | 'rabbitmq'} ServiceId */

/** @type {readonly import('./types.js').ServiceDefinition[]} */
export const SERVICES = [elasticsearch, kafka, rabbitmq];
