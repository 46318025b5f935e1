/**
 * The write-ahead log's in-memory copy of recent entries (`recentSpans`): reads of entries within
 * the budget are answered from memory, the rest from disk, and `release` forgets them. The WAL's
 * durability, replay and corruption handling are covered through the pipeline in pipeline.test.ts.
 */
import { mkdtemp, readdir, rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SpanRecord } from '../model/span.js';
import { WriteAheadLog, type WalEntry } from './wal.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function openWal(recentSpans: number): Promise<{ wal: WriteAheadLog; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'causeway-wal-recent-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  const { wal } = await WriteAheadLog.open({ dir, onDurable: () => undefined, ...(recentSpans > 0 ? { recentSpans } : {}) });
  cleanup.push(() => wal.close());
  return { wal, dir };
}

let counter = 0;
function spans(count: number): SpanRecord[] {
  return Array.from({ length: count }, () => {
    const n = ++counter;
    return {
      traceId: 'b'.repeat(32),
      spanId: n.toString(16).padStart(16, '0'),
      name: `op-${n}`,
      kind: 'producer',
      startTime: 1_700_000_000_000 + n,
      endTime: 1_700_000_000_002 + n,
      startTimeUnixNano: String(1_700_000_000_000_000_000n + BigInt(n) * 1_000_000n),
      durationMs: 2,
      statusCode: 'unset',
      service: 'svc',
      resource: { 'service.name': 'svc' },
      attributes: { n },
      links: [],
      events: [],
    } satisfies SpanRecord;
  });
}

/** Empties every segment file: only reads answered from memory still succeed. */
async function wipeSegments(dir: string): Promise<void> {
  for (const name of await readdir(dir)) if (name.endsWith('.wal')) await truncate(join(dir, name), 0);
}

describe('WriteAheadLog recent entries', () => {
  it('answers reads of entries within the budget from memory and the others from disk', async () => {
    const { wal, dir } = await openWal(5);
    const [first, second, third] = [spans(3), spans(2), spans(4)];
    const entries: WalEntry[] = [];
    for (const batch of [first, second, third]) entries.push(await wal.append(batch));
    // Caller-side changes to the array after the append do not reach the kept copy.
    first.pop();
    const [e1, e2, e3] = entries as [WalEntry, WalEntry, WalEntry];
    expect(await wal.read(e3)).toEqual(third); // over the budget (3 + 2 + 4 > 5): from disk
    await wipeSegments(dir);
    expect(await wal.read(e1)).toHaveLength(3);
    expect(await wal.read(e2)).toEqual(second);
    await expect(wal.read(e3)).rejects.toThrow(/corrupt/);
  });

  it('forgets released entries and makes room for new ones', async () => {
    const { wal, dir } = await openWal(4);
    const e1 = await wal.append(spans(4));
    await wal.release(e1.seq);
    const batch = spans(4);
    const e2 = await wal.append(batch);
    await wipeSegments(dir);
    expect(await wal.read(e2)).toEqual(batch);
  });

  it('keeps nothing in memory with the default budget', async () => {
    const { wal, dir } = await openWal(0);
    const entry = await wal.append(spans(1));
    await wipeSegments(dir);
    await expect(wal.read(entry)).rejects.toThrow(/corrupt/);
  });
});
