/** Public API of `@causeway/collector` for embedding the collector (tests, custom launchers). */
export { buildApp, type BuildAppOptions } from './app.js';
export { parseConfig, ConfigError, type CollectorConfig } from './config.js';
export { applyHeapPolicy } from './heap-policy.js';
export type { Store, EventRecord, DeliveryRecord, CausalEdgeRecord, DeliveryOutcome } from './store/store.js';
export type { SpanRecord } from './model/span.js';
