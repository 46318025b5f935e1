/**
 * RabbitMQ produce → consume: one channel publishing to a fresh exclusive queue (waiting for
 * `drain` when the socket buffer is full), one consumer acknowledging every message.
 */
import { once } from 'node:events';
import type { ChannelModel } from 'amqplib';
import { consumedCounter } from './kafka-loop.js';
import { messageBody, type LoopTiming } from './types.js';

const WARMUP_MESSAGES = 200;

export interface RabbitLoopOptions {
  connect: (url: string) => Promise<ChannelModel>;
  url: string;
  messages: number;
  /** Instruments the connection (Causeway) or returns it as it is. */
  wrap: (connection: ChannelModel) => ChannelModel;
  flush: () => Promise<void>;
}

export async function rabbitLoop(options: RabbitLoopOptions): Promise<LoopTiming> {
  const connection = options.wrap(await options.connect(options.url));
  try {
    const channel = await connection.createChannel();
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
    await channel.prefetch(256);
    const counter = consumedCounter();
    await channel.consume(queue, (message) => {
      if (!message) return;
      channel.ack(message);
      counter.consumed();
    });

    const publishRange = async (from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const ok = channel.sendToQueue(queue, Buffer.from(messageBody(i)), { contentType: 'application/json', headers: { 'causeway-event-type': 'OrderPlaced' } });
        if (!ok) await once(channel, 'drain');
      }
    };
    await publishRange(0, WARMUP_MESSAGES);
    await counter.reached(WARMUP_MESSAGES);
    await options.flush();

    const cpuStart = process.cpuUsage();
    const started = performance.now();
    await publishRange(WARMUP_MESSAGES, WARMUP_MESSAGES + options.messages);
    await counter.reached(WARMUP_MESSAGES + options.messages);
    const loopMs = performance.now() - started;
    await options.flush();
    const cpu = process.cpuUsage(cpuStart);
    await channel.close();
    return { cpuMicros: cpu.user + cpu.system, loopMs, warmupMessages: WARMUP_MESSAGES };
  } finally {
    await connection.close();
  }
}
