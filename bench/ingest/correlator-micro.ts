/**
 * Micro-benchmark of the collector's storing side: decoded spans → `Correlator.ingest` → store, in
 * batches as the ingest pipeline hands them over (2,500 spans on SQLite, 5,000 on Elasticsearch; two in flight), with no HTTP or
 * write-ahead log in the way (and no decoding, unless `--decode`). Not part of `npm run bench`; run it directly:
 *
 *   node --import tsx bench/ingest/correlator-micro.ts [--requests 100] [--rounds 3] [--store sqlite|<es url>] [--baseline path/to/collector/src] [--decode]
 *
 * With `--decode` each variant also decodes the OTLP requests with its own `decodeTraceRequest`,
 * inside the timed loop and as the batches fill (as the route's decoding feeds the pipeline), so a
 * change to the decoder is priced with what it does downstream (the strings it makes are serialized,
 * posted to the writer thread and bound to statements).
 *
 * The spans are those the ingest bench posts (`generateMessagingSpans`, decoded once up front). Each
 * variant gets a fresh store (SQLite file in a temp dir, or a fresh Elasticsearch index prefix); with
 * `--baseline` the same run is made with another copy of `collector/src` (e.g. a git worktree of an
 * earlier commit), alternating, order reversed every round. Figures: CPU µs per span of this process
 * (user + system) and spans per second, medians over rounds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { decodeTraceRequest } from '../../collector/src/otlp/decode.js';
import { BATCH_SPANS } from '../../collector/src/ingest/batch-spans.js';
import type { SpanRecord } from '../../collector/src/model/span.js';
import { deleteIndexPrefix } from '../lib/elasticsearch.js';
import { median } from '../lib/stats.js';
import { SPANS_PER_REQUEST } from './ingest-bench.js';
import { generateMessagingSpans, toOtlpRequests } from './messaging-spans.js';


const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '3' },
    store: { type: 'string', default: 'sqlite' },
    baseline: { type: 'string' },
    decode: { type: 'boolean', default: false },
  },
});

interface Variant {
  name: string;
  src: string;
}

interface Result {
  cpuMicrosPerSpan: number;
  spansPerSecond: number;
}

const here = resolve(import.meta.dirname, '../../collector/src');
const variants: Variant[] = [{ name: 'current', src: here }];
if (values.baseline) variants.push({ name: 'baseline', src: resolve(values.baseline) });

const requests = Number(values.requests);
const runId = Date.now().toString(16).slice(-8);
// As Buffers, as the route hands them over.
const bodies = toOtlpRequests(generateMessagingSpans(requests * SPANS_PER_REQUEST, { runId }), SPANS_PER_REQUEST).map((body) =>
  Buffer.from(body.buffer, body.byteOffset, body.byteLength),
);
const spans: SpanRecord[] = bodies.flatMap((body) => decodeTraceRequest(body, 'protobuf').spans);
// The ingest plugin's batch size for the store.
const batchSpans = BATCH_SPANS[values.store === 'sqlite' ? 'sqlite' : 'elasticsearch'];
const decodedBatches: SpanRecord[][] = [];
for (let i = 0; i < spans.length; i += batchSpans) decodedBatches.push(spans.slice(i, i + batchSpans));

type Decode = typeof decodeTraceRequest;

/** The batches, decoded up front, or (with `--decode`) by `decode` request by request as each fills. */
function* batchesOf(decode: Decode | undefined): Generator<SpanRecord[]> {
  if (!decode) {
    yield* decodedBatches;
    return;
  }
  let pending: SpanRecord[] = [];
  for (const body of bodies) {
    pending.push(...decode(body, 'protobuf').spans);
    while (pending.length >= batchSpans) {
      yield pending.slice(0, batchSpans);
      pending = pending.slice(batchSpans);
    }
  }
  if (pending.length > 0) yield pending;
}

async function runOnce(variant: Variant, round: number): Promise<Result> {
  const { Correlator } = (await import(pathToFileURL(join(variant.src, 'correlation/correlator.ts')).href)) as typeof import('../../collector/src/correlation/correlator.js');
  const dir = mkdtempSync(join(tmpdir(), 'causeway-correlator-micro-'));
  const prefix = `bench-micro-${runId}-${variant.name}-${round}`;
  let store;
  if (values.store === 'sqlite') {
    const { SqliteStore } = (await import(pathToFileURL(join(variant.src, 'store/sqlite/sqlite-store.ts')).href)) as typeof import('../../collector/src/store/sqlite/sqlite-store.js');
    store = new SqliteStore(join(dir, 'causeway.db'));
  } else {
    const { ElasticsearchStore } = (await import(pathToFileURL(join(variant.src, 'store/elasticsearch/elasticsearch-store.ts')).href)) as typeof import('../../collector/src/store/elasticsearch/elasticsearch-store.js');
    store = new ElasticsearchStore(values.store, { indexPrefix: prefix });
  }
  const decode = values.decode
    ? ((await import(pathToFileURL(join(variant.src, 'otlp/decode.ts')).href)) as typeof import('../../collector/src/otlp/decode.js')).decodeTraceRequest
    : undefined;
  await store.init();
  try {
    const correlator = new Correlator(store);
    const cpu = process.cpuUsage();
    const started = performance.now();
    // Two batches in flight, as the ingest pipeline keeps them (`batchesInFlight`).
    const inFlight: Array<Promise<void>> = [];
    for (const batch of batchesOf(decode)) {
      if (inFlight.length === 2) await inFlight.shift();
      inFlight.push(correlator.ingest(batch));
    }
    await Promise.all(inFlight);
    const elapsed = performance.now() - started;
    const used = process.cpuUsage(cpu);
    return { cpuMicrosPerSpan: (used.user + used.system) / spans.length, spansPerSecond: (spans.length / elapsed) * 1000 };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    if (values.store !== 'sqlite') await deleteIndexPrefix(values.store, prefix);
  }
}

const results = new Map<string, Result[]>(variants.map((variant) => [variant.name, []]));
for (let round = 0; round < Number(values.rounds); round++) {
  const order = round % 2 === 0 ? variants : [...variants].reverse();
  for (const variant of order) {
    const result = await runOnce(variant, round);
    results.get(variant.name)?.push(result);
    console.log(`round ${round} ${variant.name}: ${result.cpuMicrosPerSpan.toFixed(1)} µs/span CPU, ${Math.round(result.spansPerSecond)} spans/s`);
  }
}
for (const [name, runs] of results) {
  console.log(
    `${name}: median ${median(runs.map((r) => r.cpuMicrosPerSpan)).toFixed(1)} µs/span CPU, ${Math.round(median(runs.map((r) => r.spansPerSecond)))} spans/s (${spans.length} spans, ${values.store})`,
  );
}
