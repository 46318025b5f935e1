/**
 * The two real brokers behind one small interface, so a chain test can run over Kafka, RabbitMQ
 * or a mix. Each service gets its own client, instrumented with its own tracer provider.
 */
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import amqp from 'amqplib';
import { instrumentAmqplib, instrumentKafkaJs } from '@causeway/instrumentation';
import type { TracerProvider } from '@opentelemetry/api';
import { services } from './services.js';
import { createTopicsWithLeaders } from './kafka-topics.js';

export interface Incoming {
  body: string;
}

export interface ServiceClient {
  publish(destination: string, eventType: string, body: string): Promise<void>;
  /** Handler runs inside the instrumented consume callback, so publishes from it are caused by the message. */
  subscribe(destination: string, group: string, handler: (message: Incoming) => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

export type BrokerKind = 'kafka' | 'rabbitmq';

export async function prepareDestination(kind: BrokerKind, name: string): Promise<void> {
  if (kind === 'kafka') {
    const admin = new Kafka({ clientId: 'causeway-test-admin', brokers: services.kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await createTopicsWithLeaders(admin, [{ topic: name, numPartitions: 1 }]);
    await admin.disconnect();
  } else {
    const connection = await amqp.connect(services.amqpUrl);
    const channel = await connection.createChannel();
    await channel.assertQueue(name, { durable: false });
    await connection.close();
  }
}

export async function connectService(kind: BrokerKind, clientId: string, tracerProvider: TracerProvider): Promise<ServiceClient> {
  return kind === 'kafka' ? kafkaClient(clientId, tracerProvider) : rabbitClient(tracerProvider);
}

async function kafkaClient(clientId: string, tracerProvider: TracerProvider): Promise<ServiceClient> {
  const kafka = instrumentKafkaJs(new Kafka({ clientId, brokers: services.kafkaBrokers, logLevel: logLevel.NOTHING }), { tracerProvider });
  let producer: Producer | undefined;
  const consumers: Consumer[] = [];
  return {
    async publish(topic, eventType, body) {
      if (!producer) {
        producer = kafka.producer();
        await producer.connect();
      }
      await producer.send({ topic, messages: [{ value: body, headers: { 'causeway-event-type': eventType } }] });
    },
    async subscribe(topic, group, handler) {
      const consumer = kafka.consumer({ groupId: group });
      consumers.push(consumer);
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => handler({ body: message.value?.toString() ?? '' }) });
    },
    async close() {
      await Promise.all(consumers.map((c) => c.disconnect()));
      await producer?.disconnect();
    },
  };
}

async function rabbitClient(tracerProvider: TracerProvider): Promise<ServiceClient> {
  const connection = instrumentAmqplib(await amqp.connect(services.amqpUrl), { tracerProvider });
  const channel = await connection.createChannel();
  const consumerTags: string[] = [];
  // Handlers still running when the test closes the service: wait for their acks first.
  const inFlight = new Set<Promise<void>>();
  return {
    async publish(queue, eventType, body) {
      channel.sendToQueue(queue, Buffer.from(body), { type: eventType });
    },
    async subscribe(queue, _group, handler) {
      const { consumerTag } = await channel.consume(queue, (message) => {
        if (!message) return;
        const handled = (async () => {
          await handler({ body: message.content.toString() });
          channel.ack(message);
        })();
        inFlight.add(handled);
        void handled
          .catch((err: unknown) => console.error(`handler for ${queue} failed`, err))
          .finally(() => inFlight.delete(handled));
      });
      consumerTags.push(consumerTag);
    },
    async close() {
      await Promise.all(consumerTags.map((tag) => channel.cancel(tag)));
      await Promise.allSettled([...inFlight]);
      await connection.close();
    },
  };
}
