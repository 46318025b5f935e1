/** Command-line flags of `npm run bench`. */
import { parseArgs } from 'node:util';

export type BenchName = 'ingest' | 'overhead' | 'query' | 'ui' | 'lag';
export const BENCH_NAMES: readonly BenchName[] = ['ingest', 'overhead', 'query', 'ui', 'lag'];
/** Benchmarks that need Elasticsearch, Kafka or RabbitMQ (`ui` needs only the built collector and Chromium, `lag` nothing). */
export const NEEDS_SERVICES: readonly BenchName[] = ['ingest', 'overhead', 'query'];

export interface BenchOptions {
  /** Reduced sizes: every benchmark in under three minutes. */
  quick: boolean;
  /** Make the last line of output one JSON object with every figure. */
  json: boolean;
  /** Write a V8 CPU profile of the collector during the ingest runs to bench-results/profiles/. */
  cpuProf: boolean;
  /** Ingest: Elasticsearch on a core of its own, the bench and the collector on the others (needs an Elasticsearch this run starts). */
  pinElasticsearch: boolean;
  only: BenchName[];
}

export const USAGE = `npm run bench [-- options]
  --quick        reduced sizes (under three minutes in all)
  --json         last line of output: one JSON object holding every figure
  --cpu-prof     profile the collector during ingest (bench-results/profiles/*.cpuprofile)
  --only <list>  comma-separated subset of: ${BENCH_NAMES.join(', ')}
  --pin-elasticsearch
                 ingest: Elasticsearch pinned to a core of its own, the bench and the collector to
                 the others (Linux, taskset; only an Elasticsearch this run starts itself)`;

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      'cpu-prof': { type: 'boolean', default: false },
      'pin-elasticsearch': { type: 'boolean', default: false },
      only: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const only = values.only ? values.only.split(',').map((name) => name.trim()) : [...BENCH_NAMES];
  for (const name of only) {
    if (!BENCH_NAMES.includes(name as BenchName)) throw new Error(`--only: unknown benchmark "${name}" (known: ${BENCH_NAMES.join(', ')})`);
  }
  const pinElasticsearch = values['pin-elasticsearch'] ?? false;
  if (pinElasticsearch && !only.includes('ingest')) throw new Error('--pin-elasticsearch applies to the ingest benchmark: add ingest to --only');
  return { quick: values.quick ?? false, json: values.json ?? false, cpuProf: values['cpu-prof'] ?? false, pinElasticsearch, only: only as BenchName[] };
}
