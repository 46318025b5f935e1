/**
 * Micro-benchmark of the SQLite store's write statements alone: what each kind of record costs
 * the writer thread per ingested span, as the writer thread writes them, and with the writer
 * checkpointing its own WAL (SQLite's default of every 1,000 pages, as before the store took the
 * checkpoints off the writer thread). Not part of `npm run bench`; run it directly:
 *
 *   node --import tsx bench/ingest/sqlite-writes-micro.ts [--requests 100] [--rounds 2]
 *
 * The spans are those the ingest bench posts, correlated once (SQLite in memory) to get the derived
 * records a collector writes for them; their rows are then written into a fresh database file per
 * variant, kind by kind, in the ingest plugin's batches, through the store's own prepared writes
 * (`prepareWrites`, one transaction per call as on the writer thread) on a connection opened as the
 * writer thread's (`openWriterConnection`). Bytes written to disk per span (WAL and checkpoints)
 * come from /proc/self/io on Linux.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { decodeTraceRequest } from '../../collector/src/otlp/decode.js';
import { BATCH_SPANS } from '../../collector/src/ingest/batch-spans.js';
import { Correlator } from '../../collector/src/correlation/correlator.js';
import type { SpanRecord } from '../../collector/src/model/span.js';
import type { DerivedRecords } from '../../collector/src/store/store.js';
import { SqliteStore } from '../../collector/src/store/sqlite/sqlite-store.js';
import { openConnection, openWriterConnection } from '../../collector/src/store/sqlite/connection.js';
import { SCHEMA_SQL } from '../../collector/src/store/sqlite/schema.js';
import { SqliteTopology } from '../../collector/src/store/sqlite/topology.js';
import { prepareWrites } from '../../collector/src/store/sqlite/writes.js';
import { derivedToRows, spansToRows } from '../../collector/src/store/sqlite/rows.js';
import { median } from '../lib/stats.js';
import { SPANS_PER_REQUEST } from './ingest-bench.js';
import { generateMessagingSpans, toOtlpRequests } from './messaging-spans.js';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '100' }, rounds: { type: 'string', default: '2' } } });

const spans: SpanRecord[] = toOtlpRequests(generateMessagingSpans(Number(values.requests) * SPANS_PER_REQUEST, { runId: 'a1b2c3d4' }), SPANS_PER_REQUEST).flatMap(
  (body) => decodeTraceRequest(body, 'protobuf').spans,
);
const batches: SpanRecord[][] = [];
for (let i = 0; i < spans.length; i += BATCH_SPANS.sqlite) batches.push(spans.slice(i, i + BATCH_SPANS.sqlite));

// The derived records the correlator writes for these batches, captured from an in-memory store.
const derived: DerivedRecords[] = [];
const memory = new SqliteStore(':memory:');
await memory.init();
const putDerived = memory.putDerived.bind(memory);
memory.putDerived = async (records) => {
  derived.push(structuredClone(records));
  await putDerived(records);
};
const correlator = new Correlator(memory);
for (const batch of batches) await correlator.ingest(batch);
await memory.close();
const count = (pick: (records: DerivedRecords) => unknown[]) => derived.reduce((sum, records) => sum + pick(records).length, 0);
console.log(`${spans.length} spans → ${count((r) => r.events)} events, ${count((r) => r.deliveries)} deliveries, ${count((r) => r.edges)} edges`);

const spanRows = batches.map(spansToRows);
const derivedRows = derived.map(derivedToRows);
const KINDS = ['spans', 'events', 'deliveries', 'edges'] as const;
type Kind = (typeof KINDS)[number];

/**
 * `readerCheckpoints`: a second connection runs a PASSIVE checkpoint after every write, untimed, as
 * the store's checkpoint thread does on its own connection (there at most once per
 * `CHECKPOINT_INTERVAL_MS`; here once per write, the upper bound of what checkpoints cost).
 */
interface VariantOptions {
  autocheckpointPages?: number;
  readerCheckpoints?: boolean;
}
const VARIANTS = {
  'as stored': { readerCheckpoints: true },
  'self-checkpoint': { autocheckpointPages: 1000 },
} satisfies Record<string, VariantOptions>;
type Variant = keyof typeof VARIANTS;

/** How long each checkpoint on the second connection took: what it blocks the collector's thread for. */
const checkpointMs: number[] = [];

/** Bytes this process has caused to be written to storage, or undefined off Linux. */
function bytesWritten(): number | undefined {
  if (!existsSync('/proc/self/io')) return undefined;
  const match = /^write_bytes: (\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'));
  return match ? Number(match[1]) : undefined;
}

/** Milliseconds per kind and bytes written, all batches written into a fresh database file. */
function writeAll(variant: Variant): Record<Kind, number> & { bytes: number | undefined } {
  const options: VariantOptions = VARIANTS[variant];
  const dir = mkdtempSync(join(tmpdir(), 'causeway-sqlite-writes-'));
  const db = openWriterConnection(join(dir, 'causeway.db'));
  const reader = options.readerCheckpoints ? openConnection(join(dir, 'causeway.db')) : undefined;
  try {
    db.exec(SCHEMA_SQL);
    // Creates the rollup tables and levels, as the store does on open.
    new SqliteTopology(db);
    if (options.autocheckpointPages !== undefined) db.pragma(`wal_autocheckpoint = ${options.autocheckpointPages}`);
    const writes = prepareWrites(db);
    /** Milliseconds of the writes alone, one transaction per item. */
    const time = <T>(items: T[], write: (item: T) => void) => {
      let total = 0;
      for (const item of items) {
        const started = performance.now();
        write(item);
        total += performance.now() - started;
        if (reader) {
          const checkpointStarted = performance.now();
          reader.pragma('wal_checkpoint(PASSIVE)');
          checkpointMs.push(performance.now() - checkpointStarted);
        }
      }
      return total;
    };
    const before = bytesWritten();
    const result = {
      spans: time(spanRows, (rows) => writes.putSpans(rows)),
      events: time(derivedRows, (rows) => writes.putDerived({ events: rows.events, deliveries: [], edges: [] })),
      deliveries: time(derivedRows, (rows) => writes.putDerived({ events: [], deliveries: rows.deliveries, edges: [] })),
      edges: time(derivedRows, (rows) => writes.putDerived({ events: [], deliveries: [], edges: rows.edges })),
    };
    const after = bytesWritten();
    return { ...result, bytes: before === undefined || after === undefined ? undefined : after - before };
  } finally {
    reader?.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const names = Object.keys(VARIANTS) as Variant[];
const runs = Object.fromEntries(names.map((name) => [name, [] as ReturnType<typeof writeAll>[]])) as Record<Variant, ReturnType<typeof writeAll>[]>;
for (let round = 0; round < Number(values.rounds); round++) {
  // Alternate the order, so machine load falls on every variant.
  for (const name of round % 2 === 0 ? names : [...names].reverse()) runs[name].push(writeAll(name));
}
for (const name of names) {
  const results = runs[name];
  const perSpan = (kind: Kind) => (median(results.map((r) => r[kind])) * 1000) / spans.length;
  const total = KINDS.reduce((sum, kind) => sum + perSpan(kind), 0);
  const bytes = results.map((r) => r.bytes).filter((b): b is number => b !== undefined);
  // Checkpoints included, whichever connection ran them.
  const written = bytes.length > 0 ? `; ${(median(bytes) / 1024 / spans.length).toFixed(1)} KiB written per span` : '';
  console.log(`${name.padEnd(16)} µs per ingested span: ${KINDS.map((kind) => `${kind} ${perSpan(kind).toFixed(1)}`).join(', ')}; total ${total.toFixed(1)}${written}`);
}
if (checkpointMs.length > 0) {
  const sorted = [...checkpointMs].sort((a, b) => a - b);
  const at = (q: number) => (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0).toFixed(1);
  console.log(`checkpoints on a second connection (per write): p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms over ${sorted.length}`);
}
