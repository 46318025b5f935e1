/** Kafka lag source; loaded with `await import()` only when the collector is configured with Kafka. */
export { KafkaLagSource, WATCHER_GROUP_PREFIX, type KafkaLagSourceOptions } from './kafka-lag-source.js';
export { decodeOffsetCommitKey, type OffsetCommitKey } from './offset-commit-key.js';
export { PollAbortedError } from './bounded.js';
