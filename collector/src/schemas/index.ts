/** Request and response schemas of the query API, with their derived types. */
export * from './common.js';
export * from './events.js';
export * from './lineage.js';
export * from './topology.js';
export * from './traces.js';
export * from './lag.js';
export * from './alerts.js';
export * from './dead-letters.js';
