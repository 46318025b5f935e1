export { instrumentKafkaJs } from './wrapper.js';
export { CausewayKafkaJsInstrumentation, type KafkaJsInstrumentationConfig } from './instrumentation.js';
export type { KafkaClientLike } from './shapes.js';
