/**
 * Micro-benchmark of the correlator's in-memory work per batch, on the collector's own thread:
 * merging a batch's traces (`mergeByKey`), deriving their records (`deriveRecords`, with its
 * `SpanIndex`) and turning them into SQLite rows (`derivedToRows`). No store, no thread, no I/O:
 * the part of ingest that `correlator-micro.ts` cannot resolve on a noisy machine, where its
 * seconds-long rounds swing by ±20 %. Not part of `npm run bench`; run it directly:
 *
 *   node --max-semi-space-size=64 --single-threaded-gc --import tsx bench/ingest/derive-micro.ts \
 *     [--requests 50] [--rounds 60] [--baseline path/to/collector/src]
 *
 * With `--baseline` (e.g. a git worktree of an earlier commit) both copies are loaded in this one
 * process and timed in turns of one pass over every batch (~0.1 s each), order swapped every round,
 * so a slow spell of the machine falls on both. Figures: CPU µs per span of each copy, and
 * current ÷ baseline; both must derive the same number of records, or the run stops.
 *
 * The two node flags keep one copy's garbage from being collected on the other's turn: with V8's
 * defaults (a 16 MB young generation, helper threads) the ratio of the same two copies read
 * 0.70–1.04 across four runs, with them 0.79–0.80. What they leave out, fewer allocations making
 * fewer collections, only shows in the full ingest bench.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { BATCH_SPANS } from '../../collector/src/ingest/batch-spans.js';
import type { SpanRecord } from '../../collector/src/model/span.js';
import { decodeTraceRequest } from '../../collector/src/otlp/decode.js';
import { SPANS_PER_REQUEST } from './ingest-bench.js';
import { generateMessagingSpans, toOtlpRequests } from './messaging-spans.js';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '50' },
    rounds: { type: 'string', default: '60' },
    baseline: { type: 'string' },
  },
});

interface Variant {
  name: string;
  deriveRecords: typeof import('../../collector/src/correlation/derive.js').deriveRecords;
  mergeByKey: typeof import('../../collector/src/correlation/spans-in-memory.js').mergeByKey;
  derivedToRows: typeof import('../../collector/src/store/sqlite/rows.js').derivedToRows;
  cpuMicros: number;
}

async function load(name: string, src: string): Promise<Variant> {
  const module = <T>(path: string) => import(pathToFileURL(resolve(src, path)).href) as Promise<T>;
  const { deriveRecords } = await module<typeof import('../../collector/src/correlation/derive.js')>('correlation/derive.ts');
  const { mergeByKey } = await module<typeof import('../../collector/src/correlation/spans-in-memory.js')>('correlation/spans-in-memory.ts');
  const { derivedToRows } = await module<typeof import('../../collector/src/store/sqlite/rows.js')>('store/sqlite/rows.ts');
  return { name, deriveRecords, mergeByKey, derivedToRows, cpuMicros: 0 };
}

const spans: SpanRecord[] = toOtlpRequests(generateMessagingSpans(Number(values.requests) * SPANS_PER_REQUEST, { runId: 'd3r1ve00' }), SPANS_PER_REQUEST).flatMap(
  (body) => decodeTraceRequest(body, 'protobuf').spans,
);
// Each batch as the correlator derives it: its traces, whole, in `getTraceSpans` order.
const batches: SpanRecord[][] = [];
for (let i = 0; i < spans.length; i += BATCH_SPANS.sqlite) {
  const byTrace = new Map<string, SpanRecord[]>();
  for (const span of spans.slice(i, i + BATCH_SPANS.sqlite)) {
    const trace = byTrace.get(span.traceId);
    if (trace) trace.push(span);
    else byTrace.set(span.traceId, [span]);
  }
  batches.push([...byTrace.values()].flat());
}

function byStartTime(a: SpanRecord, b: SpanRecord): number {
  return a.startTime - b.startTime || (a.traceId < b.traceId ? -1 : a.traceId > b.traceId ? 1 : 0) || (a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0);
}

/** One pass over every batch; returns the number of records derived. */
function pass(variant: Variant): number {
  let records = 0;
  for (const batch of batches) {
    const owned = variant.mergeByKey(batch, []).sort(byStartTime);
    const rows = variant.derivedToRows(variant.deriveRecords({ owned, context: [] }));
    records += rows.events.length + rows.deliveries.length + rows.edges.length;
  }
  return records;
}

const here = resolve(import.meta.dirname, '../../collector/src');
const variants = [await load('current', here)];
if (values.baseline) variants.push(await load('baseline', resolve(values.baseline)));
const counts = variants.map(pass);
if (new Set(counts).size > 1) throw new Error(`the copies derive different records: ${counts.join(' vs ')}`);
// Warm-up: let both be optimised before anything is timed.
for (let i = 0; i < 3; i++) for (const variant of variants) pass(variant);
const rounds = Number(values.rounds);
for (let round = 0; round < rounds; round++) {
  for (const variant of round % 2 === 0 ? variants : [...variants].reverse()) {
    const started = process.cpuUsage();
    pass(variant);
    const used = process.cpuUsage(started);
    variant.cpuMicros += used.user + used.system;
  }
}
const perSpan = (variant: Variant) => variant.cpuMicros / rounds / spans.length;
console.log(`${spans.length} spans in ${batches.length} batches → ${counts[0]} records per pass; ${rounds} rounds`);
for (const variant of variants) console.log(`${variant.name.padEnd(9)} ${perSpan(variant).toFixed(2)} µs/span CPU`);
const [current, baseline] = variants;
if (current && baseline) console.log(`current ÷ baseline: ${(perSpan(current) / perSpan(baseline)).toFixed(3)}`);
