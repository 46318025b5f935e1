/**
 * `npm run bench [-- --quick] [--json] [--cpu-prof] [--pin-elasticsearch] [--only ingest,overhead,query,ui,lag]`
 *
 * Runs the benchmarks of issue #6 against the built packages and real services (started like
 * `npm test` does), prints one table, writes every figure to bench-results/<time>.json (and
 * bench-results/latest[-quick].json), and with --json prints that object as the last line.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NEEDS_SERVICES, parseOptions, USAGE } from './lib/options.js';
import { Report } from './lib/report.js';
import { assertBuilt, log, repoRoot, startServices } from './lib/services.js';
import { runIngestBench } from './ingest/ingest-bench.js';
import { runOverheadBench } from './overhead/overhead-bench.js';
import { runQueryBench } from './query/query-bench.js';
import { runUiBench } from './ui/ui-bench.js';
import { runLagBench } from './lag/lag-bench.js';
import { runMonitorCycleBench } from './lag/monitor-cycle.js';

/** Sizes: quick keeps the whole run under three minutes on the 2-core reference machine. */
const SIZES = {
  quick: {
    ingest: { requests: 40, rounds: 1 },
    overhead: { messages: 1500, rounds: 2 },
    query: { events: 20_000, samples: 60, elasticsearchWarmupSeconds: 20 },
    ui: { events: 1000, repetitions: 3, expandRepetitions: 1 },
    lag: { groups: 2000, partitions: 20, warmupCycles: 10, cycles: 10, fullHistory: false },
  },
  full: {
    ingest: { requests: 400, rounds: 3 },
    overhead: { messages: 10_000, rounds: 3 },
    query: { events: 1_000_000, samples: 300, elasticsearchWarmupSeconds: 45 },
    ui: { events: 1000, repetitions: 10, expandRepetitions: 3 },
    lag: { groups: 2000, partitions: 20, warmupCycles: 10, cycles: 30, fullHistory: true },
  },
};

async function main(): Promise<number> {
  let options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}\n`);
    return 2;
  }
  const notBuilt = assertBuilt();
  if (notBuilt) {
    process.stderr.write(`[bench] ${notBuilt}\n`);
    return 1;
  }
  const sizes = options.quick ? SIZES.quick : SIZES.full;
  const startedAt = new Date();
  const report = new Report();
  const services = startServices();
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      if (stopping) return;
      stopping = true;
      log(`${signal}: stopping the services this run started`);
      void services.stop().then(() => process.exit(130));
    });
  }
  try {
    if (options.only.some((name) => NEEDS_SERVICES.includes(name))) {
      const addresses = await services.ensure();
      if (options.only.includes('ingest')) await runIngestBench(report, addresses, sizes.ingest, { cpuProf: options.cpuProf, pinElasticsearch: options.pinElasticsearch });
      if (options.only.includes('overhead')) await runOverheadBench(report, addresses, sizes.overhead);
      if (options.only.includes('query')) await runQueryBench(report, addresses, sizes.query);
    }
    if (options.only.includes('ui')) await runUiBench(report, sizes.ui);
    if (options.only.includes('lag')) {
      await runLagBench(report, sizes.lag);
      await runMonitorCycleBench(report, { ...sizes.lag, cycles: Math.min(sizes.lag.cycles, 10) });
    }
  } finally {
    if (!stopping) await services.stop();
  }

  const durationSeconds = Math.round((Date.now() - startedAt.getTime()) / 1000);
  report.note(`${options.quick ? 'quick' : 'full'} run, ${durationSeconds} s; figures from one machine under whatever else it was running (see docs/performance.md)`);
  const json = report.toJson({ quick: options.quick, startedAt: startedAt.toISOString(), durationSeconds });
  const dir = join(repoRoot, 'bench-results');
  mkdirSync(dir, { recursive: true });
  const text = `${JSON.stringify(json, null, 2)}\n`;
  writeFileSync(join(dir, `${startedAt.toISOString().replace(/[:.]/g, '-')}${options.quick ? '-quick' : ''}.json`), text);
  writeFileSync(join(dir, options.quick ? 'latest-quick.json' : 'latest.json'), text);

  process.stdout.write(`\n${report.table()}\n\nresults: bench-results/${options.quick ? 'latest-quick.json' : 'latest.json'}\n`);
  if (options.json) process.stdout.write(`${JSON.stringify(json)}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`[bench] ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
