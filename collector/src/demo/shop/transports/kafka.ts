/**
 * The shop over Kafka with kafkajs, each service's client instrumented by `instrumentKafkaJs`.
 *
 * Streams are topics; a consumer group is a Kafka consumer group per topic (`<group>.<topic>`):
 * kafkajs's assigners expect every member of a group to subscribe to the same topics, and the
 * notification service consumes three. A failing handler rethrows, so
 * kafkajs does not commit the offset and delivers the message again after its retry back-off;
 * after `maxAttempts` the consumer publishes the message to `<topic>.dlq` (Kafka has no broker-side
 * dead-lettering) and moves on.
 */
import { instrumentKafkaJs } from '@causeway/instrumentation';
import type { TracerProvider } from '@opentelemetry/api';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import {
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_SLOW_CONSUMER_MS,
  HEADER_EVENT_TYPE,
  parseBody,
  recordHandlerFailure,
  sleep,
  type ServiceConnection,
  type ShopTransport,
  type TransportOptions,
} from '../transport.js';
import { AttemptCounter } from './attempts.js';

export class KafkaTransport implements ShopTransport {
  readonly system = 'kafka';
  private readonly prefix: string;
  private readonly maxAttempts: number;
  private readonly slowConsumerMs: number;

  constructor(private readonly brokers: string[], options: TransportOptions = {}) {
    this.prefix = options.prefix ?? '';
    this.maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    this.slowConsumerMs = options.slowConsumerMs ?? DEFAULT_SLOW_CONSUMER_MS;
  }

  async prepare(streams: readonly string[]): Promise<void> {
    const admin = new Kafka({ clientId: 'causeway-demo-admin', brokers: this.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const topics = streams.flatMap((s) => [this.prefix + s, `${this.prefix + s}.dlq`]).filter((t) => !existing.has(t));
      if (topics.length > 0) await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: 1 })), waitForLeaders: true });
    } finally {
      await admin.disconnect();
    }
  }

  async connect(serviceName: string, tracerProvider: TracerProvider): Promise<ServiceConnection> {
    const kafka = instrumentKafkaJs(new Kafka({ clientId: serviceName, brokers: this.brokers, logLevel: logLevel.NOTHING }), { tracerProvider });
    const producer: Producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const consumers: Consumer[] = [];
    const { prefix, maxAttempts, slowConsumerMs } = this;
    const attempts = new AttemptCounter();
    const send = async (topic: string, headers: Record<string, string>, value: string): Promise<void> => {
      await producer.send({ topic, messages: [{ value, headers }] });
    };

    return {
      publish: (stream, eventType, body) => send(prefix + stream, { [HEADER_EVENT_TYPE]: eventType }, JSON.stringify(body)),
      async subscribe(stream, group, handler, options = {}) {
        const topic = prefix + stream;
        const consumer = kafka.consumer({ groupId: `${prefix}${group}.${stream}`, retry: { initialRetryTime: 150, retries: maxAttempts + 2 } });
        consumers.push(consumer);
        await consumer.connect();
        await consumer.subscribe({ topic, fromBeginning: true });
        await consumer.run({
          eachMessage: async ({ message, partition }) => {
            const key = `${group}/${partition}/${message.offset}`;
            const attempt = attempts.next(key);
            const eventType = message.headers?.[HEADER_EVENT_TYPE]?.toString() ?? 'unknown';
            try {
              if (options.slow) await sleep(slowConsumerMs);
              await handler({ eventType, body: parseBody(message.value), attempt });
              attempts.done(key);
            } catch (err) {
              if (attempt < maxAttempts) throw err;
              attempts.done(key);
              recordHandlerFailure(err);
              // Published inside this process span: the dead letter names the failed message as its cause.
              await send(`${topic}.dlq`, { [HEADER_EVENT_TYPE]: eventType, 'x-dead-letter-reason': errorName(err) }, message.value?.toString() ?? '');
            }
          },
        });
      },
      async close() {
        await Promise.allSettled(consumers.splice(0).map((c) => c.disconnect()));
        await producer.disconnect();
      },
    };
  }

  async close(): Promise<void> {}
}

function errorName(err: unknown): string {
  return err instanceof Error ? err.name : 'Error';
}
