/**
 * Query latency at scale: N events (with their deliveries and causal edges) loaded into each store
 * through its own write API, then p50/p95/p99 of the query layer the API routes call: event
 * look-up, lineage at depth 10, event search and topology over 1 h and 24 h.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore, type Store } from '../../collector/dist/store/index.js';
import { buildLineage, buildTopology, getEventDetail, searchEvents } from '../../collector/dist/query/index.js';
import { deleteIndexPrefix, esJson } from '../lib/elasticsearch.js';
import type { Report } from '../lib/report.js';
import { log, type ServiceAddresses } from '../lib/services.js';
import { percentile, seededRandom } from '../lib/stats.js';
import { generateDataset, type DatasetSummary } from './dataset.js';

export interface QuerySizes {
  events: number;
  /** Timed calls per query kind (after the untimed warm-up). */
  samples: number;
  /**
   * Seconds of untimed calls, every query kind in turn, before Elasticsearch's are timed. A JVM
   * that has just started interprets its search code until it has run it thousands of times:
   * measured on a fresh Elasticsearch with 20k events, lineage at depth 10 read p95 270 ms over
   * its first 60 calls, ~110 ms after 10 s of calls and 30–45 ms from 30 s on. One that has been
   * serving for a while (as a user's does) is past that, and this is what the figures describe.
   */
  elasticsearchWarmupSeconds: number;
}

/** Untimed calls per query kind before timing, on either store (the bench's own code warms up). */
const WARMUP_CALLS = 5;
const LINEAGE_TARGET_MS = 100;

/**
 * Overrides for a shorter or bigger run than the mode's: `CAUSEWAY_BENCH_QUERY_EVENTS` (events to
 * load, e.g. 200000) and `CAUSEWAY_BENCH_QUERY_STORES` (comma-separated: sqlite, elasticsearch).
 */
function fromEnvironment(sizes: QuerySizes): { sizes: QuerySizes; stores: string[] } {
  const events = Number(process.env.CAUSEWAY_BENCH_QUERY_EVENTS ?? sizes.events);
  if (!Number.isInteger(events) || events < 1) throw new Error(`CAUSEWAY_BENCH_QUERY_EVENTS must be a whole number ≥ 1, got ${process.env.CAUSEWAY_BENCH_QUERY_EVENTS}`);
  const stores = (process.env.CAUSEWAY_BENCH_QUERY_STORES ?? 'sqlite,elasticsearch').split(',').map((name) => name.trim());
  return { sizes: { ...sizes, events }, stores };
}

export async function runQueryBench(report: Report, services: ServiceAddresses, modeSizes: QuerySizes): Promise<void> {
  const { sizes, stores } = fromEnvironment(modeSizes);
  const endMs = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'causeway-bench-query-'));
  const prefix = `bench-query-${endMs.toString(16).slice(-8)}`;
  try {
    if (stores.includes('sqlite')) await measureStore(report, 'sqlite', createStore({ url: `sqlite:${join(dir, 'bench.db')}` }), sizes, endMs);
    if (stores.includes('elasticsearch')) await measureStore(report, 'elasticsearch', createStore({ url: services.elasticsearchUrl, elasticsearch: { indexPrefix: prefix } }), sizes, endMs, async () => {
      await esJson(services.elasticsearchUrl, `/${prefix}-*/_refresh`, { method: 'POST' });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await deleteIndexPrefix(services.elasticsearchUrl, prefix).catch(() => {});
  }
}

async function measureStore(report: Report, name: 'sqlite' | 'elasticsearch', store: Store, sizes: QuerySizes, endMs: number, afterLoad?: () => Promise<void>): Promise<void> {
  await store.init();
  try {
    const loadStarted = performance.now();
    let lastLog = loadStarted;
    const dataset = await generateDataset(sizes.events, endMs, 5000, async (batch) => {
      await Promise.all([store.putEvents(batch.events), store.putDeliveries(batch.deliveries), store.putEdges(batch.edges)]);
      if (performance.now() - lastLog > 15_000) {
        lastLog = performance.now();
        log(`query: ${name}: loading… ${Math.round((lastLog - loadStarted) / 1000)} s`);
      }
    });
    await afterLoad?.();
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    log(`query: ${name}: loaded ${dataset.events} events, ${dataset.deliveries} deliveries, ${dataset.edges} edges in ${loadSeconds.toFixed(1)} s`);
    report.add({ key: `query.${name}.events`, label: `query ${name}: events loaded`, value: dataset.events, unit: 'events' });
    report.add({ key: `query.${name}.loadRecordsPerSecond`, label: `query ${name}: load rate (events+deliveries+edges)`, value: (dataset.events + dataset.deliveries + dataset.edges) / loadSeconds, unit: 'records/s' });

    const kinds = queries(store, dataset, endMs);
    const warmup = await warmUp(
      kinds.map(([, call]) => call),
      name === 'elasticsearch' ? sizes.elasticsearchWarmupSeconds * 1000 : 0,
    );
    log(`query: ${name}: warm-up: ${warmup.calls} untimed calls in ${(warmup.ms / 1000).toFixed(1)} s`);
    for (const [kind, call] of kinds) {
      const timings = await timeCalls(call, sizes.samples);
      const label = `query ${name}: ${kind}`;
      const key = `query.${name}.${kind.replace(/[^a-z0-9]+(.)?/gi, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`;
      const p95 = percentile(timings, 95);
      report.add({ key: `${key}.p50Ms`, label: `${label} p50`, value: percentile(timings, 50), unit: 'ms' });
      report.add({
        key: `${key}.p95Ms`,
        label: `${label} p95`,
        value: p95,
        unit: 'ms',
        ...(kind.startsWith('lineage') ? { target: `≤ ${LINEAGE_TARGET_MS}`, met: p95 <= LINEAGE_TARGET_MS } : {}),
      });
      report.add({ key: `${key}.p99Ms`, label: `${label} p99`, value: percentile(timings, 99), unit: 'ms' });
      report.add({ key: `${key}.samples`, label: `${label} samples (time budget ${TIME_BUDGET_PER_QUERY_MS / 1000} s)`, value: timings.length, unit: 'calls' });
    }
  } finally {
    await store.close();
  }
}

/** Each query kind as a function of the call number, so successive calls ask for different things. */
function queries(store: Store, dataset: DatasetSummary, endMs: number): Array<[string, (i: number) => Promise<unknown>]> {
  const random = seededRandom(99);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)] as T;
  const hour = 3600_000;
  return [
    [
      'event lookup',
      async () => {
        if (!(await getEventDetail(store, pick(dataset.sampleIds)))) throw new Error('event lookup found nothing for a loaded event');
      },
    ],
    [
      'lineage depth 10',
      async () => {
        const lineage = await buildLineage(store, pick(dataset.deepRoots), { direction: 'down', depth: 10 });
        if (!lineage || lineage.nodes.length < 10) throw new Error(`lineage of a depth-10 chain returned ${lineage?.nodes.length ?? 0} nodes`);
      },
    ],
    [
      'event search',
      async () => {
        // A type over a random one-hour window of the day, first page (the API's default limit).
        const from = endMs - 24 * hour + random() * 23 * hour;
        await searchEvents(store, { type: pick(dataset.types), from: new Date(from).toISOString(), to: new Date(from + hour).toISOString() });
      },
    ],
    ['topology 1h', () => buildTopology(store, { from: endMs - hour, to: endMs })],
    ['topology 24h', () => buildTopology(store, { from: endMs - 24 * hour, to: endMs })],
  ];
}

/** A slow query (seconds per call at a million events) stops sampling here rather than running for an hour. */
const TIME_BUDGET_PER_QUERY_MS = 60_000;
const MIN_SAMPLES = 10;

/** Every kind in turn, untimed, for at least WARMUP_CALLS rounds and at least `minMs`. */
async function warmUp(calls: Array<(i: number) => Promise<unknown>>, minMs: number): Promise<{ calls: number; ms: number }> {
  const started = performance.now();
  let made = 0;
  for (let round = 0; round < WARMUP_CALLS || performance.now() - started < minMs; round++) {
    for (const call of calls) {
      await call(round);
      made++;
    }
  }
  return { calls: made, ms: performance.now() - started };
}

async function timeCalls(call: (i: number) => Promise<unknown>, samples: number): Promise<number[]> {
  const timings: number[] = [];
  const started = performance.now();
  for (let i = 0; i < samples; i++) {
    if (i >= MIN_SAMPLES && performance.now() - started > TIME_BUDGET_PER_QUERY_MS) break;
    const callStarted = performance.now();
    await call(i);
    timings.push(performance.now() - callStarted);
  }
  return timings;
}
