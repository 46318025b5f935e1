/**
 * The shop over RabbitMQ with amqplib, each service's connection instrumented by `instrumentAmqplib`.
 *
 * A stream is a fanout exchange; a consumer group is a queue bound to it (its consumers compete),
 * declared with a dead-letter exchange so a message nacked without requeue lands in
 * `<queue>.dlq`. A failing handler's message is nacked with requeue after a back-off until
 * `maxAttempts`, then nacked without requeue: RabbitMQ dead-letters it.
 */
import { instrumentAmqplib } from '@causeway/instrumentation';
import type { TracerProvider } from '@opentelemetry/api';
import amqp, { type Channel, type ChannelModel } from 'amqplib';
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

const DEAD_LETTER_EXCHANGE = 'dlx';

export class RabbitMqTransport implements ShopTransport {
  readonly system = 'rabbitmq';
  private readonly prefix: string;
  private readonly maxAttempts: number;
  private readonly slowConsumerMs: number;

  constructor(private readonly url: string, options: TransportOptions = {}) {
    this.prefix = options.prefix ?? '';
    this.maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    this.slowConsumerMs = options.slowConsumerMs ?? DEFAULT_SLOW_CONSUMER_MS;
  }

  async prepare(streams: readonly string[]): Promise<void> {
    const connection = await amqp.connect(this.url);
    try {
      const channel = await connection.createChannel();
      await channel.assertExchange(this.prefix + DEAD_LETTER_EXCHANGE, 'direct', { durable: false });
      for (const stream of streams) await channel.assertExchange(this.prefix + stream, 'fanout', { durable: false });
    } finally {
      await connection.close();
    }
  }

  async connect(serviceName: string, tracerProvider: TracerProvider): Promise<ServiceConnection> {
    const connection: ChannelModel = instrumentAmqplib(await amqp.connect(this.url, { clientProperties: { connection_name: serviceName } }), { tracerProvider });
    const channel: Channel = await connection.createChannel();
    await channel.prefetch(1);
    const { prefix, maxAttempts, slowConsumerMs } = this;
    const deadLetterExchange = prefix + DEAD_LETTER_EXCHANGE;
    const attempts = new AttemptCounter();
    const consumerTags: string[] = [];
    const running = new Set<Promise<void>>();

    return {
      async publish(stream, eventType, body) {
        channel.publish(prefix + stream, '', Buffer.from(JSON.stringify(body)), { headers: { [HEADER_EVENT_TYPE]: eventType }, contentType: 'application/json', timestamp: Date.now() });
      },
      async subscribe(stream, group, handler, options = {}) {
        const queue = `${prefix}${stream}.${group}`;
        await channel.assertQueue(`${queue}.dlq`, { durable: false });
        await channel.bindQueue(`${queue}.dlq`, deadLetterExchange, queue);
        await channel.assertQueue(queue, { durable: false, deadLetterExchange, deadLetterRoutingKey: queue });
        await channel.bindQueue(queue, prefix + stream, '');
        const { consumerTag } = await channel.consume(queue, (message) => {
          if (!message) return;
          const key = String(message.properties.headers?.['causeway-event-id'] ?? message.fields.deliveryTag);
          const attempt = attempts.next(key);
          const eventType = String(message.properties.headers?.[HEADER_EVENT_TYPE] ?? 'unknown');
          // Returned to amqplib's instrumented callback, so the process span covers the whole handling.
          const handling = (async () => {
            try {
              if (options.slow) await sleep(slowConsumerMs);
              await handler({ eventType, body: parseBody(message.content), attempt });
              attempts.done(key);
              channel.ack(message);
            } catch (err) {
              recordHandlerFailure(err);
              const requeue = attempt < maxAttempts;
              if (requeue) await sleep(150 * attempt);
              else attempts.done(key);
              channel.nack(message, false, requeue);
            }
          })();
          running.add(handling);
          void handling.finally(() => running.delete(handling));
          return handling;
        });
        consumerTags.push(consumerTag);
      },
      async close() {
        await Promise.allSettled(consumerTags.splice(0).map((tag) => channel.cancel(tag)));
        await Promise.allSettled([...running]);
        await connection.close().catch(() => undefined);
      },
    };
  }

  async close(): Promise<void> {}
}
