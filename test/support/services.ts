/**
 * Addresses of the real services the tests talk to. `test/run.js` starts them (or finds running
 * ones) and exports these variables; the defaults match what it starts.
 */
export const services = {
  kafkaBrokers: (process.env.CAUSEWAY_TEST_KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
  amqpUrl: process.env.CAUSEWAY_TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
  /** RabbitMQ's management HTTP API, credentials in the URL (the harness's node enables the plugin). */
  rabbitmqManagementUrl: process.env.CAUSEWAY_TEST_RABBITMQ_MANAGEMENT_URL ?? 'http://guest:guest@127.0.0.1:15672',
  elasticsearchUrl: process.env.CAUSEWAY_TEST_ES_URL ?? 'http://127.0.0.1:9200',
};

/** A name no other test (or earlier run) uses: topics, queues, groups, index prefixes. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
