/**
 * Lag evaluation cost (issue #4): one evaluation cycle of `LagEvaluator.evaluate` over 2,000 groups
 * × 20 partitions, fed by a SYNTHETIC offset source (no broker: `synthetic-source.ts`), after a
 * warm-up that fills the status window. Per cycle: CPU time (process.cpuUsage, so GC threads count)
 * and wall time; then the same cycle plus `LagDownsampler.add` and `flush`, as the monitor runs it.
 * Memory: heap and RSS at the end, and what the evaluator retains (JS heap + ArrayBuffers, after forced GCs).
 * The full run also keeps polling until every producing partition's log history is at its cap, the
 * evaluator's steady-state size.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { LagDownsampler, LagEvaluator } from '../../collector/src/lag/evaluate/index.js';
import type { GroupStatus, LagStatus } from '../../collector/src/lag/types.js';
import type { Report } from '../lib/report.js';
import { log } from '../lib/services.js';
import { percentile } from '../lib/stats.js';
import { SyntheticOffsetSource } from './synthetic-source.js';

export interface LagSizes {
  groups: number;
  partitions: number;
  /** Untimed cycles first: the window (10 polls) full before measuring. */
  warmupCycles: number;
  /** Timed cycles, for each of the two variants. */
  cycles: number;
  /** Keep polling until log histories reach their cap (default 360 points) and measure the heap then. */
  fullHistory: boolean;
}

/** "Well under the 10 s interval": one tenth of it. */
const CYCLE_TARGET_MS = 1_000;
const INTERVAL_MS = 10_000;
const HISTORY_POINTS = 360;
const SOURCE = 'synthetic';
const MiB = 1024 * 1024;

export async function runLagBench(report: Report, sizes: LagSizes): Promise<void> {
  const gc = exposeGc();
  const heapBefore = heapAfterGc(gc);
  const source = new SyntheticOffsetSource(sizes.groups, sizes.partitions);
  const evaluator = new LagEvaluator({ historyPoints: HISTORY_POINTS });
  const scale = `${sizes.groups.toLocaleString('en-US')} groups × ${sizes.partitions} partitions`;
  log(`lag: synthetic offset source, ${scale}, profiles ${JSON.stringify(source.profileCounts())}`);
  let now = Date.UTC(2026, 0, 1);
  const poll = () => {
    now += INTERVAL_MS;
    return source.poll();
  };

  for (let i = 0; i < sizes.warmupCycles; i += 1) evaluator.evaluate(SOURCE, poll(), now);

  const statuses: Record<LagStatus, number> = { OK: 0, WARN: 0, REWIND: 0, STALL: 0, STOP: 0 };
  let groupStatuses: GroupStatus[] = [];
  const evaluateOnly = await timeCycles(sizes.cycles, gc, () => {
    // Counting the previous cycle's verdicts happens here, off the clock.
    for (const group of groupStatuses) statuses[group.status] += 1;
    const readings = poll();
    return () => {
      groupStatuses = evaluator.evaluate(SOURCE, readings, now).groups;
    };
  });
  for (const group of groupStatuses) statuses[group.status] += 1;
  groupStatuses = [];
  const downsampler = new LagDownsampler(60_000);
  const withDownsampling = await timeCycles(sizes.cycles, gc, () => {
    const readings = poll();
    return () => {
      const { samples } = evaluator.evaluate(SOURCE, readings, now);
      downsampler.add(samples);
      downsampler.flush(now);
    };
  });
  const memory = process.memoryUsage();
  const retained = heapAfterGc(gc) - heapBefore;
  const tracked = evaluator.trackedPartitions;

  const prefix = `lag (synthetic offsets, ${scale})`;
  report.add({ key: 'lag.synthetic.groups', label: `${prefix}: groups`, value: sizes.groups, unit: 'groups' });
  report.add({ key: 'lag.synthetic.trackedPartitions', label: `${prefix}: partitions tracked`, value: tracked, unit: 'partitions' });
  addCycleFigures(report, 'lag.synthetic.evaluate', `${prefix}: evaluate`, evaluateOnly);
  addCycleFigures(report, 'lag.synthetic.evaluateDownsample', `${prefix}: evaluate + downsample`, withDownsampling);
  report.add({ key: 'lag.synthetic.heapUsedMiB', label: `${prefix}: heap used after`, value: memory.heapUsed / MiB, unit: 'MiB' });
  report.add({ key: 'lag.synthetic.rssMiB', label: `${prefix}: RSS after`, value: memory.rss / MiB, unit: 'MiB' });
  report.add({ key: 'lag.synthetic.retainedHeapMiB', label: `${prefix}: heap + array buffers retained (evaluator + source), after GC`, value: retained / MiB, unit: 'MiB' });
  report.note(`lag: group statuses over the ${sizes.cycles} timed cycles (synthetic source): ${Object.entries(statuses).map(([s, n]) => `${s} ${n}`).join(', ')}`);

  if (sizes.fullHistory) {
    const polled = sizes.warmupCycles + 2 * sizes.cycles;
    const started = performance.now();
    // A producing partition gains a history point per poll; thinning then holds it at the cap.
    for (let i = polled; i < HISTORY_POINTS + 10; i += 1) {
      evaluator.evaluate(SOURCE, poll(), now);
      if ((i + 1) % 50 === 0) log(`lag: filling log histories… ${i + 1} of ${HISTORY_POINTS + 10} polls (${Math.round((performance.now() - started) / 1000)} s)`);
    }
    const full = heapAfterGc(gc) - heapBefore;
    report.add({
      key: 'lag.synthetic.retainedHeapFullHistoryMiB',
      label: `${prefix}: heap + array buffers retained, full ${HISTORY_POINTS}-point histories, after GC`,
      value: full / MiB,
      unit: 'MiB',
    });
  }
  // Keep both alive until measured.
  if (evaluator.trackedPartitions < 0 || downsampler.openBuckets < 0) throw new Error('unreachable');
}

interface CycleTimes {
  cpuMs: number[];
  wallMs: number[];
}

/** Times `cycles` runs of the function `prepare` returns; preparing (generating readings) is untimed. */
async function timeCycles(cycles: number, gc: () => void, prepare: () => () => void): Promise<CycleTimes> {
  const times: CycleTimes = { cpuMs: [], wallMs: [] };
  for (let i = 0; i < cycles; i += 1) {
    const run = prepare();
    // Garbage from generating the readings should not be collected on the cycle's clock.
    gc();
    const cpu = process.cpuUsage();
    const started = performance.now();
    run();
    const wall = performance.now() - started;
    const used = process.cpuUsage(cpu);
    times.wallMs.push(wall);
    times.cpuMs.push((used.user + used.system) / 1000);
    // Let the event loop breathe (signals, logging) between cycles, as the monitor's timer would.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return times;
}

function addCycleFigures(report: Report, key: string, label: string, times: CycleTimes): void {
  const cpuMean = times.cpuMs.reduce((a, b) => a + b, 0) / Math.max(1, times.cpuMs.length);
  const p95 = percentile(times.wallMs, 95);
  report.add({ key: `${key}.cpuMsPerCycle`, label: `${label}: CPU per cycle (mean of ${times.cpuMs.length})`, value: cpuMean, unit: 'ms', target: `< ${CYCLE_TARGET_MS} ms`, met: cpuMean < CYCLE_TARGET_MS });
  report.add({ key: `${key}.cpuP50Ms`, label: `${label}: CPU per cycle, median`, value: percentile(times.cpuMs, 50), unit: 'ms' });
  report.add({ key: `${key}.wallP50Ms`, label: `${label}: wall per cycle, median`, value: percentile(times.wallMs, 50), unit: 'ms' });
  report.add({ key: `${key}.wallP95Ms`, label: `${label}: wall per cycle, p95`, value: p95, unit: 'ms', target: `< ${CYCLE_TARGET_MS} ms`, met: p95 < CYCLE_TARGET_MS });
}

/** `global.gc` without restarting Node with --expose-gc: the flag still applies to new contexts. */
function exposeGc(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

/** JS heap plus ArrayBuffer memory (windows and histories are typed arrays, stored outside the heap). */
function heapAfterGc(gc: () => void): number {
  gc();
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}
