/**
 * Ingest: OTLP protobuf requests of 512 messaging spans posted by concurrent clients to a collector
 * in a child process; spans per second *stored* (timed until the pipeline is idle), into SQLite and
 * into Elasticsearch, against the bare `_bulk` limit of the same documents, alternating.
 * `CAUSEWAY_BENCH_INGEST_STORES` (comma-separated: sqlite, elasticsearch; default both) picks the stores.
 * With `pinElasticsearch` the Elasticsearch runs have Elasticsearch on a core of its own
 * (`cpu-pinning.ts`), reported under their own keys so the two set-ups are never mixed.
 */
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { exited, nextMessage, startChild } from '../lib/child.js';
import { pinElasticsearch } from '../lib/cpu-pinning.js';
import { deleteIndexPrefix, readAllDocs, type StoredDoc } from '../lib/elasticsearch.js';
import { HttpPoster, sendConcurrently } from '../lib/http-post.js';
import type { Report } from '../lib/report.js';
import type { ServiceAddresses } from '../lib/services.js';
import { log, repoRoot } from '../lib/services.js';
import { median } from '../lib/stats.js';
import { bareBulkLoop } from './bare-bulk.js';
import { generateMessagingSpans, toOtlpRequests } from './messaging-spans.js';

export const SPANS_PER_REQUEST = 512;
const CLIENTS = 4;

export interface IngestOptions {
  /** Write a V8 CPU profile of the collector (first run per store). */
  cpuProf: boolean;
  /** Elasticsearch on a core of its own during the Elasticsearch runs (see cpu-pinning.ts). */
  pinElasticsearch: boolean;
}

export interface IngestSizes {
  requests: number;
  /** Collector runs on SQLite (median reported); alternating collector / bare-limit rounds on Elasticsearch. */
  rounds: number;
}

/** What the collector child reports about itself (see collector-process.js). */
export interface CollectorUsage {
  peakRssBytes: number;
  cpuMicros: number;
}

interface CollectorRun {
  spansPerSecond: number;
  usage: CollectorUsage;
  retries: number;
}

export async function runIngestBench(report: Report, services: ServiceAddresses, sizes: IngestSizes, options: IngestOptions): Promise<void> {
  const stores = (process.env.CAUSEWAY_BENCH_INGEST_STORES ?? 'sqlite,elasticsearch').split(',').map((name) => name.trim());
  // Checked before anything runs: a flag that would silently measure the shared set-up is an error.
  const pinGroup = options.pinElasticsearch ? pinnableElasticsearch(services, stores) : undefined;
  const runId = Date.now().toString(16).slice(-8);
  const spanCount = sizes.requests * SPANS_PER_REQUEST;
  log(`ingest: generating ${spanCount} spans in ${sizes.requests} OTLP requests`);
  const requests = toOtlpRequests(generateMessagingSpans(spanCount, { runId }), SPANS_PER_REQUEST);
  const warmup = toOtlpRequests(generateMessagingSpans(2 * SPANS_PER_REQUEST, { runId: `${runId.slice(0, 7)}f`, seed: 7 }), SPANS_PER_REQUEST);
  const profileDir = join(repoRoot, 'bench-results', 'profiles');
  if (options.cpuProf) mkdirSync(profileDir, { recursive: true });
  const profileFlags = (name: string) => (options.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=ingest-${name}.cpuprofile`] : []);

  let retries = 0;
  if (stores.includes('sqlite')) retries += await sqliteIngest(report, services, requests, warmup, sizes.rounds, profileFlags('sqlite'));
  if (stores.includes('elasticsearch')) {
    const pinning = pinGroup === undefined ? undefined : pinElasticsearch(pinGroup);
    if (pinning) log(`ingest: Elasticsearch pinned to CPU ${pinning.elasticsearchCpus}, the bench and its collectors to CPU ${pinning.benchCpus}`);
    try {
      retries += await elasticsearchIngest(report, services, requests, warmup, sizes.rounds, profileFlags('elasticsearch'), pinning !== undefined);
    } finally {
      pinning?.restore();
    }
  }
  if (retries > 0) report.note(`ingest: the collector answered 503 (backlog full) ${retries} times; clients waited Retry-After and re-sent`);
}

/** For `--pin-elasticsearch`: the process group of the Elasticsearch to pin, or why there is none. */
function pinnableElasticsearch(services: ServiceAddresses, stores: string[]): number {
  if (!stores.includes('elasticsearch')) {
    throw new Error('--pin-elasticsearch: CAUSEWAY_BENCH_INGEST_STORES leaves Elasticsearch out, so there is nothing to pin');
  }
  if (services.elasticsearchProcessGroup === undefined) {
    throw new Error(
      '--pin-elasticsearch pins only an Elasticsearch this run starts itself, and this one was reused or given by ' +
        'CAUSEWAY_TEST_ES_URL: stop it (node test/services/cli.js down) or unset the variable, then run again',
    );
  }
  return services.elasticsearchProcessGroup;
}

/**
 * The SQLite figures over `rounds` collector runs, each with a fresh database; returns the 503
 * retries. SQLite has no limit to divide by, so spans per second are an absolute figure, and one run
 * of the same code on this machine reads anywhere in ±15 % of another: the median of the runs is
 * reported (with every run in the log), and the peak RSS is the highest of them, since the target
 * holds for every run.
 */
async function sqliteIngest(report: Report, services: ServiceAddresses, requests: Uint8Array[], warmup: Uint8Array[], rounds: number, nodeFlags: string[]): Promise<number> {
  const spanCount = requests.length * SPANS_PER_REQUEST;
  const runs: CollectorRun[] = [];
  for (let round = 0; round < rounds; round++) {
    const run = await collectorRun(services, requests, warmup, undefined, round === 0 ? nodeFlags : []);
    runs.push(run);
    log(`ingest: sqlite ${Math.round(run.spansPerSecond)} spans/s (run ${round + 1} of ${rounds})`);
  }
  const rate = median(runs.map((run) => run.spansPerSecond));
  const peak = Math.max(...runs.map((run) => run.usage.peakRssBytes));
  report.add({ key: 'ingest.sqlite.spansPerSecond', label: 'ingest → SQLite', value: rate, unit: 'spans/s', target: '≥ 30,000', met: rate >= 30_000 });
  report.add({ key: 'ingest.sqlite.peakRssMB', label: 'ingest → SQLite: collector peak RSS', value: peak / 2 ** 20, unit: 'MB', target: '≤ 300', met: peak <= 300 * 2 ** 20 });
  report.add({ key: 'ingest.sqlite.cpuMicrosPerSpan', label: 'ingest → SQLite: collector CPU', value: median(runs.map((run) => run.usage.cpuMicros)) / spanCount, unit: 'µs/span' });
  return runs.reduce((sum, run) => sum + run.retries, 0);
}

/** The Elasticsearch figures, collector and bare `_bulk` limit alternating over `rounds`; returns the 503 retries. */
async function elasticsearchIngest(
  report: Report,
  services: ServiceAddresses,
  requests: Uint8Array[],
  warmup: Uint8Array[],
  rounds: number,
  nodeFlags: string[],
  pinned: boolean,
): Promise<number> {
  const runId = Date.now().toString(16).slice(-8);
  const spanCount = requests.length * SPANS_PER_REQUEST;
  const collectorRates: number[] = [];
  const bareRates: number[] = [];
  const usages: CollectorUsage[] = [];
  let retries = 0;
  const prefixes: string[] = [];
  let docs: StoredDoc[] | undefined;
  let docsPrefix = '';
  try {
    // An Elasticsearch that has not been indexing for a while (freshly started, or idle since)
    // indexes slowly for minutes, its JIT still warming: the first full collector run on a freshly
    // started one read ~3.1k spans/s in all four pinned runs, against 4.3k–7.8k later, and round 0
    // read 0.24 on one that had been up, idle, for 15 minutes. A warm-up over a quarter of the
    // requests did not help. One untimed full-size run first, always: both sides then face an
    // Elasticsearch that has been working.
    const warmPrefix = `bench-warm-${runId}`;
    prefixes.push(warmPrefix);
    const warm = await collectorRun(services, requests, warmup, warmPrefix, []);
    log(`ingest: warming Elasticsearch up with an untimed collector run: ${Math.round(warm.spansPerSecond)} spans/s`);
    await deleteIndexPrefix(services.elasticsearchUrl, warmPrefix);
    // Alternate which goes first so drift in machine load falls on both sides. Round 0 starts with
    // the collector: the bare loop re-indexes the documents it stored.
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? (['collector', 'bare'] as const) : (['bare', 'collector'] as const);
      for (const side of order) {
        const prefix = `bench-${side}-${runId}-${round}`;
        prefixes.push(prefix);
        if (side === 'collector') {
          const run = await collectorRun(services, requests, warmup, prefix, round === 0 ? nodeFlags : []);
          collectorRates.push(run.spansPerSecond);
          usages.push(run.usage);
          retries += run.retries;
          log(`ingest: elasticsearch via collector ${Math.round(run.spansPerSecond)} spans/s (${run.retries} requests answered 503)`);
          if (!docs) {
            docs = await readAllDocs(services.elasticsearchUrl, prefix);
            docsPrefix = prefix;
          }
        } else {
          if (!docs) throw new Error('the bare _bulk loop ran before the collector stored any documents');
          const bare = await bareBulkLoop(services.elasticsearchUrl, docs, docsPrefix, prefix, requests.length, CLIENTS);
          const rate = (spanCount / bare.elapsedMs) * 1000;
          bareRates.push(rate);
          log(`ingest: elasticsearch bare _bulk ${Math.round(rate)} spans/s (${bare.documents} documents in ${bare.requests} requests)`);
        }
        // Free Elasticsearch's disk and heap before the next run.
        await deleteIndexPrefix(services.elasticsearchUrl, prefix);
      }
    }
  } finally {
    for (const prefix of prefixes) await deleteIndexPrefix(services.elasticsearchUrl, prefix).catch(() => {});
  }
  const collectorRate = median(collectorRates);
  const bareRate = median(bareRates);
  // Each round's collector and bare runs ran next to each other: their ratio cancels the load of
  // that moment, which on a shared machine swings either rate by ±20 % from round to round.
  const roundRatios = collectorRates.map((rate, round) => rate / (bareRates[round] ?? Number.NaN));
  const ratio = median(roundRatios);
  log(`ingest: elasticsearch collector ÷ bare per round: ${roundRatios.map((r) => r.toFixed(2)).join(', ')}`);
  const peak = Math.max(...usages.map((u) => u.peakRssBytes));
  const key = pinned ? 'ingest.elasticsearchOwnCore' : 'ingest.elasticsearch';
  const label = pinned ? 'ingest → Elasticsearch on its own core' : 'ingest → Elasticsearch';
  report.add({ key: `${key}.spansPerSecond`, label, value: collectorRate, unit: 'spans/s' });
  report.add({ key: `${key}.bareLimitSpansPerSecond`, label: `${label}: bare _bulk limit`, value: bareRate, unit: 'spans/s' });
  report.add({ key: `${key}.ratioToLimit`, label: `${label} ÷ limit`, value: ratio, unit: 'ratio', target: '≥ 0.8', met: ratio >= 0.8 });
  report.add({ key: `${key}.peakRssMB`, label: `${label}: collector peak RSS`, value: peak / 2 ** 20, unit: 'MB', target: '≤ 300', met: peak <= 300 * 2 ** 20 });
  report.add({ key: `${key}.cpuMicrosPerSpan`, label: `${label}: collector CPU`, value: median(usages.map((u) => u.cpuMicros)) / spanCount, unit: 'µs/span' });
  return retries;
}

/** One collector child on SQLite (no prefix) or Elasticsearch: warm up, then post everything and time until stored. */
async function collectorRun(services: ServiceAddresses, requests: Uint8Array[], warmup: Uint8Array[], esPrefix: string | undefined, nodeFlags: string[]): Promise<CollectorRun> {
  const dataDir = mkdtempSync(join(tmpdir(), 'causeway-bench-'));
  const args = esPrefix ? [dataDir, services.elasticsearchUrl, esPrefix] : [dataDir];
  const child = startChild('ingest/collector-process.js', args, { nodeFlags: [...nodeFlags, ...extraCollectorFlags()] });
  try {
    const { url } = await nextMessage<{ url: string }>(child, 'ready');
    await postAll(url, warmup, CLIENTS);
    await call(child, 'idle');
    await call(child, 'reset');
    const started = performance.now();
    const retries = await postAll(url, requests, CLIENTS);
    const { usage } = await call<{ usage: CollectorUsage }>(child, 'idle');
    const elapsedMs = performance.now() - started;
    return { spansPerSecond: ((requests.length * SPANS_PER_REQUEST) / elapsedMs) * 1000, usage, retries };
  } finally {
    child.send({ type: 'stop' });
    await exited(child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function call<T = unknown>(child: ChildProcess, type: string): Promise<T> {
  const answer = nextMessage<T>(child, type);
  child.send({ type });
  return answer;
}

/** `clients` concurrent senders, each posting the next request when its previous one is answered. Returns 503 retries. */
async function postAll(url: string, bodies: Uint8Array[], clients: number): Promise<number> {
  const poster = new HttpPoster(clients);
  let retries = 0;
  try {
    await sendConcurrently(bodies, clients, async (body) => {
      for (;;) {
        const answer = await poster.post(`${url}/v1/traces`, body, 'application/x-protobuf');
        if (answer.status === 200) return;
        if (answer.status !== 503 && answer.status !== 429) throw new Error(`collector answered ${answer.status} to an OTLP request`);
        retries++;
        await new Promise((resolve) => setTimeout(resolve, Number(answer.retryAfter ?? 1) * 1000));
      }
    });
  } finally {
    poster.close();
  }
  return retries;
}

/** Node flags for the collector child from `CAUSEWAY_BENCH_COLLECTOR_FLAGS` (space-separated), for trying V8 settings. */
function extraCollectorFlags(): string[] {
  return (process.env.CAUSEWAY_BENCH_COLLECTOR_FLAGS ?? '').split(' ').filter((flag) => flag !== '');
}
