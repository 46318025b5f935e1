/**
 * One produce → consume loop in a fresh process (instrumentation patches are global):
 *   argv: <kafka|rabbitmq> <none|causeway|otel> <messages>
 *   env: CAUSEWAY_TEST_KAFKA_BROKERS, CAUSEWAY_TEST_AMQP_URL, BENCH_COLLECTOR_URL, and optionally
 *   BENCH_CAUSEWAY_SDK: the built SDK entry to load instead of instrumentation/dist (an A/B of two
 *   builds, see ab.ts)
 * Sends `{ type: 'result', result: LoopResult }`. CPU is this process's user + system time from
 * the first timed send until every message was consumed and the spans were flushed to the
 * collector; throughput is over the send → last consume window only.
 */
import { createRequire } from 'node:module';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { AmqplibInstrumentation } from '@opentelemetry/instrumentation-amqplib';
import { reportToParent } from '../lib/child.js';
import { startTracing } from './tracing.js';
import { kafkaLoop } from './kafka-loop.js';
import { rabbitLoop } from './rabbitmq-loop.js';
import type { Broker, LoopResult, Variant } from './types.js';

const require = createRequire(import.meta.url);
type CausewaySdk = typeof import('../../instrumentation/dist/index.js');
const sdkEntry = process.env.BENCH_CAUSEWAY_SDK ?? new URL('../../instrumentation/dist/index.js', import.meta.url).href;
const { instrumentAmqplib, instrumentKafkaJs } = (await import(sdkEntry)) as CausewaySdk;

await reportToParent(async (): Promise<LoopResult> => {
  const [broker, variant, count] = process.argv.slice(2) as [Broker, Variant, string];
  const messages = Number(count);
  const collectorUrl = process.env.BENCH_COLLECTOR_URL ?? '';
  const tracing = variant === 'none' ? undefined : startTracing(collectorUrl, `bench-${variant}`);
  if (variant === 'otel' && tracing) {
    // Patches kafkajs and amqplib when they are required below, as in an app using the contrib packages.
    registerInstrumentations({ instrumentations: [new KafkaJsInstrumentation(), new AmqplibInstrumentation()], tracerProvider: tracing.provider });
  }
  // Loaded through require, after the OpenTelemetry hooks are in place, in every variant alike.
  const kafkajs = require('kafkajs') as typeof import('kafkajs');
  const amqplib = require('amqplib') as typeof import('amqplib');
  const wrapCausewayOnly = <T>(wrap: (client: T, options: object) => T) => (client: T): T =>
    variant === 'causeway' && tracing ? wrap(client, { tracerProvider: tracing.provider }) : client;

  const timing =
    broker === 'kafka'
      ? await kafkaLoop({
          Kafka: kafkajs.Kafka,
          brokers: (process.env.CAUSEWAY_TEST_KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
          messages,
          wrap: wrapCausewayOnly(instrumentKafkaJs),
          flush: () => tracing?.flush() ?? Promise.resolve(),
        })
      : await rabbitLoop({
          connect: (url) => amqplib.connect(url),
          url: process.env.CAUSEWAY_TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
          messages,
          wrap: wrapCausewayOnly(instrumentAmqplib),
          flush: () => tracing?.flush() ?? Promise.resolve(),
        });
  const spans = tracing?.spansEnded() ?? 0;
  const attributes = tracing?.attributesEnded() ?? 0;
  await tracing?.shutdown();
  return {
    broker,
    variant,
    messages,
    cpuMicrosPerMessage: timing.cpuMicros / messages,
    messagesPerSecond: (messages / timing.loopMs) * 1000,
    spansPerMessage: spans / (messages + timing.warmupMessages),
    attributesPerMessage: attributes / (messages + timing.warmupMessages),
  };
});
