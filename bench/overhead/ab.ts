/**
 * A/B of the overhead loop: the same loop as `--only overhead`, for one broker, with any set of
 * variants, including the Causeway variant loaded from another build of the SDK. Used to compare
 * an SDK change against a copy of the previous `instrumentation/dist` side by side, alternating
 * the order every round, and to profile the loop process.
 *
 *   node --import tsx bench/overhead/ab.ts <kafka|rabbitmq> <messages> <rounds> <variant>... [--cpu-prof <dir>]
 *
 * A variant is `none`, `otel`, `causeway` (this tree's build) or `causeway=<path to a built
 * index.js>`; with a name before an `@` it is reported under that name (`old@causeway=/tmp/…`).
 * Prints each run and, per variant, median CPU µs/msg and msg/s, plus the median of the per-round
 * ratios of each variant's CPU to the first variant's. Brokers come from the CAUSEWAY_TEST_*
 * variables (nothing is started here).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { exited, nextMessage, runChild, startChild } from '../lib/child.js';
import { median } from '../lib/stats.js';
import type { Broker, LoopResult, Variant } from './types.js';

interface VariantSpec {
  label: string;
  variant: Variant;
  sdk?: string;
}

function parseVariant(text: string): VariantSpec {
  const [label, spec] = text.includes('@') ? (text.split('@', 2) as [string, string]) : [text, text];
  const [variant, sdk] = spec.split('=', 2) as [Variant, string | undefined];
  if (!['none', 'causeway', 'otel'].includes(variant)) throw new Error(`unknown variant ${text}`);
  return { label, variant, ...(sdk ? { sdk: pathToFileURL(sdk).href } : {}) };
}

const argv = process.argv.slice(2);
const profIndex = argv.indexOf('--cpu-prof');
const profDir = profIndex >= 0 ? argv.splice(profIndex, 2)[1] : undefined;
const [broker, messages, rounds, ...variantArgs] = argv as [Broker, string, string, ...string[]];
const variants = variantArgs.map(parseVariant);

const dataDir = mkdtempSync(join(tmpdir(), 'causeway-bench-ab-'));
const collector = startChild('ingest/collector-process.js', [dataDir]);
const byLabel = new Map<string, LoopResult[]>(variants.map((v) => [v.label, []]));
try {
  const { url } = await nextMessage<{ url: string }>(collector, 'ready');
  for (let round = 0; round < Number(rounds); round++) {
    const order = round % 2 === 0 ? variants : [...variants].reverse();
    for (const spec of order) {
      const result = await runChild<LoopResult>('overhead/loop-process.ts', [broker, spec.variant, messages], {
        env: {
          BENCH_COLLECTOR_URL: url,
          KAFKAJS_NO_PARTITIONER_WARNING: '1',
          ...(spec.sdk ? { BENCH_CAUSEWAY_SDK: spec.sdk } : {}),
        },
        ...(profDir ? { nodeFlags: ['--cpu-prof', '--cpu-prof-dir', join(profDir, spec.label)] } : {}),
      });
      console.log(`round ${round} ${spec.label}: ${result.cpuMicrosPerMessage.toFixed(0)} µs/msg, ${Math.round(result.messagesPerSecond)} msg/s, ${result.spansPerMessage.toFixed(2)} spans/msg, ${result.attributesPerMessage.toFixed(1)} attributes/msg`);
      byLabel.get(spec.label)?.push(result);
    }
  }
  const first = byLabel.get(variants[0]?.label ?? '') ?? [];
  for (const [label, runs] of byLabel) {
    const cpu = median(runs.map((r) => r.cpuMicrosPerMessage));
    const rate = median(runs.map((r) => r.messagesPerSecond));
    const ratio = median(runs.map((r, i) => r.cpuMicrosPerMessage / (first[i]?.cpuMicrosPerMessage ?? NaN)));
    console.log(`${label.padEnd(16)} CPU ${cpu.toFixed(0)} µs/msg  ${Math.round(rate)} msg/s  CPU ÷ ${variants[0]?.label}: ${ratio.toFixed(2)} (median of rounds)`);
  }
} finally {
  collector.send({ type: 'stop' });
  await exited(collector);
  rmSync(dataDir, { recursive: true, force: true });
}
