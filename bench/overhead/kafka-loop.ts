/**
 * Kafka produce → consume: one producer sending one message per `send` (32 in flight), one consumer
 * group reading them with `eachMessage`, on a fresh single-partition topic.
 */
import type { Kafka, Producer } from 'kafkajs';
import { messageBody, type LoopTiming } from './types.js';

const WARMUP_MESSAGES = 200;
const IN_FLIGHT = 32;

export interface KafkaLoopOptions {
  Kafka: typeof Kafka;
  brokers: string[];
  messages: number;
  /** Instruments the client (Causeway) or returns it as it is. */
  wrap: (kafka: Kafka) => Kafka;
  flush: () => Promise<void>;
}

export async function kafkaLoop(options: KafkaLoopOptions): Promise<LoopTiming> {
  // logLevel 0 = NOTHING: kafkajs logs to stdout, which would mix into the bench output.
  const kafka = options.wrap(new options.Kafka({ clientId: 'bench-loop', brokers: options.brokers, logLevel: 0 }));
  const topic = `bench-loop-${process.pid}-${Date.now()}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });

  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const consumer = kafka.consumer({ groupId: topic, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  const counter = consumedCounter();
  await consumer.run({ eachMessage: async () => counter.consumed() });
  await joined;

  try {
    await sendRange(producer, topic, 0, WARMUP_MESSAGES);
    await counter.reached(WARMUP_MESSAGES);
    await options.flush();

    const cpuStart = process.cpuUsage();
    const started = performance.now();
    await sendRange(producer, topic, WARMUP_MESSAGES, WARMUP_MESSAGES + options.messages);
    await counter.reached(WARMUP_MESSAGES + options.messages);
    const loopMs = performance.now() - started;
    await options.flush();
    const cpu = process.cpuUsage(cpuStart);
    return { cpuMicros: cpu.user + cpu.system, loopMs, warmupMessages: WARMUP_MESSAGES };
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => {});
    await admin.disconnect();
  }
}

async function sendRange(producer: Producer, topic: string, from: number, to: number): Promise<void> {
  let next = from;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < to) {
        const i = next++;
        await producer.send({ topic, messages: [{ key: `order-${i}`, value: messageBody(i), headers: { 'causeway-event-type': 'OrderPlaced' } }] });
      }
    }),
  );
}

/** Counts consumed messages and resolves waiters when a total is reached. */
export function consumedCounter() {
  let count = 0;
  let waiter: { target: number; resolve: () => void } | undefined;
  return {
    consumed(): void {
      count++;
      if (waiter && count >= waiter.target) {
        waiter.resolve();
        waiter = undefined;
      }
    },
    reached(target: number): Promise<void> {
      if (count >= target) return Promise.resolve();
      return new Promise((resolve) => (waiter = { target, resolve }));
    },
  };
}
