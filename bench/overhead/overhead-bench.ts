/**
 * Instrumentation overhead: the same Kafka and RabbitMQ produce → consume loops, uninstrumented,
 * with Causeway and with the OpenTelemetry contrib instrumentations, each run in a fresh process,
 * alternating the order from round to round so machine noise falls on every variant alike. Both
 * instrumented variants export over OTLP to one collector (SQLite) in its own process.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exited, nextMessage, runChild, startChild } from '../lib/child.js';
import type { Report } from '../lib/report.js';
import { log, type ServiceAddresses } from '../lib/services.js';
import { median } from '../lib/stats.js';
import { VARIANTS, type Broker, type LoopResult, type Variant } from './types.js';

export interface OverheadSizes {
  messages: number;
  rounds: number;
}

const BROKERS: readonly Broker[] = ['kafka', 'rabbitmq'];
const VARIANT_LABEL: Record<Variant, string> = { none: 'uninstrumented', causeway: 'Causeway', otel: 'OpenTelemetry contrib' };

export async function runOverheadBench(report: Report, services: ServiceAddresses, sizes: OverheadSizes): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'causeway-bench-overhead-'));
  const collector = startChild('ingest/collector-process.js', [dataDir]);
  try {
    const { url } = await nextMessage<{ url: string }>(collector, 'ready');
    const results: LoopResult[] = [];
    for (let round = 0; round < sizes.rounds; round++) {
      for (const broker of BROKERS) {
        // Forward on even rounds, backward on odd ones; the brokers take turns too.
        const order = (round + BROKERS.indexOf(broker)) % 2 === 0 ? VARIANTS : [...VARIANTS].reverse();
        for (const variant of order) {
          const result = await runChild<LoopResult>('overhead/loop-process.ts', [broker, variant, String(sizes.messages)], {
            env: { ...services.env, BENCH_COLLECTOR_URL: url, KAFKAJS_NO_PARTITIONER_WARNING: '1' },
          });
          log(
            `overhead: ${broker} ${variant}: ${result.cpuMicrosPerMessage.toFixed(0)} µs/msg, ${Math.round(result.messagesPerSecond)} msg/s, ${result.spansPerMessage.toFixed(2)} spans/msg, ${result.attributesPerMessage.toFixed(1)} attributes/msg`,
          );
          results.push(result);
        }
      }
    }
    for (const broker of BROKERS) addFigures(report, broker, results.filter((r) => r.broker === broker));
  } finally {
    collector.send({ type: 'stop' });
    await exited(collector);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function addFigures(report: Report, broker: Broker, results: LoopResult[]): void {
  const of = (variant: Variant) => {
    const runs = results.filter((r) => r.variant === variant);
    return {
      cpu: median(runs.map((r) => r.cpuMicrosPerMessage)),
      rate: median(runs.map((r) => r.messagesPerSecond)),
      spans: median(runs.map((r) => r.spansPerMessage)),
    };
  };
  const base = of('none');
  for (const variant of VARIANTS) {
    const v = of(variant);
    const label = `${broker} loop, ${VARIANT_LABEL[variant]}`;
    report.add({ key: `overhead.${broker}.${variant}.cpuMicrosPerMessage`, label: `${label}: CPU`, value: v.cpu, unit: 'µs/msg' });
    report.add({ key: `overhead.${broker}.${variant}.messagesPerSecond`, label: `${label}: throughput`, value: v.rate, unit: 'msg/s' });
    if (variant !== 'none') {
      report.add({ key: `overhead.${broker}.${variant}.spansPerMessage`, label: `${label}: spans`, value: v.spans, unit: 'spans/msg' });
      const ratio = v.rate / base.rate;
      report.add({
        key: `overhead.${broker}.${variant}.throughputRatio`,
        label: `${label}: throughput ÷ uninstrumented`,
        value: ratio,
        unit: 'ratio',
        ...(variant === 'causeway' ? { target: '≥ 0.9', met: ratio >= 0.9 } : {}),
      });
      report.add({ key: `overhead.${broker}.${variant}.cpuRatio`, label: `${label}: CPU ÷ uninstrumented`, value: v.cpu / base.cpu, unit: 'ratio' });
    }
  }
  const addedCauseway = of('causeway').cpu - base.cpu;
  const addedOtel = of('otel').cpu - base.cpu;
  report.add({
    key: `overhead.${broker}.addedCpuCausewayOverOtel`,
    label: `${broker} loop: added CPU, Causeway ÷ OpenTelemetry`,
    value: addedCauseway / addedOtel,
    unit: 'ratio',
    target: '≤ 1',
    met: addedCauseway <= addedOtel,
  });
}
