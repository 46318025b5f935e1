/**
 * Micro-benchmark of the SQLite store's write statements alone: what each kind of record costs
 * the writer thread per ingested span, with the topology rollup triggers and without them. Not
 * part of `npm run bench`; run it directly:
 *
 *   node --import tsx bench/ingest/sqlite-writes-micro.ts [--requests 100] [--rounds 2]
 *
 * The spans are those the ingest bench posts, correlated once (SQLite in memory) to get the derived
 * records a collector writes for them; their rows are then written into a fresh database file per
 * variant, kind by kind, in the ingest plugin's batches, through the store's own prepared writes
 * (`prepareWrites`, one transaction per call as on the writer thread). Without triggers the
 * rollups go stale: that variant only prices them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { decodeTraceRequest } from '../../collector/src/otlp/decode.js';
import { BATCH_SPANS } from '../../collector/src/ingest/batch-spans.js';
import { Correlator } from '../../collector/src/correlation/correlator.js';
import type { SpanRecord } from '../../collector/src/model/span.js';
import type { DerivedRecords } from '../../collector/src/store/store.js';
import { SqliteStore } from '../../collector/src/store/sqlite/sqlite-store.js';
import { openConnection } from '../../collector/src/store/sqlite/connection.js';
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

/** Milliseconds per kind, all batches written into a fresh database file. */
function writeAll(withTriggers: boolean): Record<Kind, number> {
  const dir = mkdtempSync(join(tmpdir(), 'causeway-sqlite-writes-'));
  const db = openConnection(join(dir, 'causeway.db'));
  try {
    db.exec(SCHEMA_SQL);
    // Creates the rollup tables and levels, and sets temp_store as the store does.
    new SqliteTopology(db);
    if (!withTriggers) {
      for (const { name } of db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'trigger'").all()) db.exec(`DROP TRIGGER ${name}`);
    }
    const writes = prepareWrites(db);
    const time = (write: () => void) => {
      const started = performance.now();
      write();
      return performance.now() - started;
    };
    return {
      spans: time(() => spanRows.forEach((rows) => writes.putSpans(rows))),
      events: time(() => derivedRows.forEach((rows) => writes.putDerived({ events: rows.events, deliveries: [], edges: [] }))),
      deliveries: time(() => derivedRows.forEach((rows) => writes.putDerived({ events: [], deliveries: rows.deliveries, edges: [] }))),
      edges: time(() => derivedRows.forEach((rows) => writes.putDerived({ events: [], deliveries: [], edges: rows.edges }))),
    };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const runs = { withTriggers: [] as Record<Kind, number>[], withoutTriggers: [] as Record<Kind, number>[] };
for (let round = 0; round < Number(values.rounds); round++) {
  // Alternate which goes first.
  const order = round % 2 === 0 ? [true, false] : [false, true];
  for (const withTriggers of order) (withTriggers ? runs.withTriggers : runs.withoutTriggers).push(writeAll(withTriggers));
}
for (const [label, results] of Object.entries(runs)) {
  const perSpan = (kind: Kind) => (median(results.map((r) => r[kind])) * 1000) / spans.length;
  const total = KINDS.reduce((sum, kind) => sum + perSpan(kind), 0);
  console.log(`${label.padEnd(16)} µs per ingested span: ${KINDS.map((kind) => `${kind} ${perSpan(kind).toFixed(1)}`).join(', ')}; total ${total.toFixed(1)}`);
}
