import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AlertRule } from '../../alerts/types.js';
import { span as makeSpan } from '../contract/records.js';
import { alertRule } from '../contract/lag-records.js';
import { openConnection } from './connection.js';
import { spansToRows } from './rows.js';
import { SqliteStore } from './sqlite-store.js';
import { SqliteWriteError, WorkerWriter } from './writer.js';
import { SPAN_COLUMNS, type SpanValues } from './writes.js';

let dir: string;
let store: SqliteStore;
const writers: WorkerWriter[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'causeway-writer-'));
  // The store creates the schema; the writers below share its file.
  store = new SqliteStore(join(dir, 'causeway.db'));
  await store.init();
});

afterEach(async () => {
  await Promise.all(writers.splice(0).map((writer) => writer.close()));
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function writer(maxHeapMb?: number, checkpoint?: () => void, checkpointIntervalMs?: number): WorkerWriter {
  const created = new WorkerWriter(join(dir, 'causeway.db'), { maxHeapMb, checkpoint, checkpointIntervalMs });
  writers.push(created);
  return created;
}

function rule(id: string): AlertRule {
  return alertRule({ id });
}

describe('WorkerWriter', () => {
  it('commits each write before it resolves, visible to another connection', async () => {
    const w = writer();
    await w.write('putSpans', spansToRows([makeSpan({ spanId: 'b'.repeat(16) })]));
    const reader = openConnection(join(dir, 'causeway.db'));
    try {
      expect(reader.prepare('SELECT span_id FROM spans').all()).toEqual([{ span_id: 'b'.repeat(16) }]);
    } finally {
      reader.close();
    }
  });

  it('rejects a write that fails on the thread with SQLite’s message and code, and keeps writing', async () => {
    const w = writer();
    const [row] = spansToRows([makeSpan()]).rows;
    // NOT NULL column left NULL: the whole transaction fails on the thread.
    const values = [...row!] as unknown[];
    values[SPAN_COLUMNS.indexOf('name')] = null;
    const bad = { rows: [values as unknown as SpanValues], linkTargets: [[]] };
    const failure = await w.write('putSpans', bad).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(SqliteWriteError);
    expect((failure as SqliteWriteError).code).toBe('SQLITE_CONSTRAINT_NOTNULL');
    expect((failure as Error).message).toMatch(/NOT NULL constraint failed: spans\.name/);

    await w.write('putAlertRule', rule('after-failure'));
    expect((await store.listAlertRules()).map((r) => r.id)).toEqual(['after-failure']);
  });

  it('runs writes in call order and finishes every queued write before close resolves', async () => {
    const w = writer();
    const writes = Array.from({ length: 50 }, (_, i) => w.write('putAlertRule', rule(`r${String(i).padStart(2, '0')}`)));
    const removed = w.write('deleteAlertRule', 'r07');
    await w.close();
    await Promise.all(writes);
    expect(await removed).toBe(true);
    const ids = (await store.listAlertRules()).map((r) => r.id);
    expect(ids).toHaveLength(49);
    expect(ids).not.toContain('r07');
    await expect(w.write('putAlertRule', rule('late'))).rejects.toThrow(/closed/);
  });

  it('fails the writes of a thread that died (out of heap) and starts a new thread for the next one', async () => {
    const w = writer(16);
    // ~64 MB of rows for a thread with a 16 MB heap: it dies receiving them.
    const huge = 'x'.repeat(1 << 20);
    const spans = Array.from({ length: 64 }, (_, i) => makeSpan({ spanId: i.toString(16).padStart(16, '0'), attributes: { huge: `${huge}${i}` } }));
    await expect(w.write('putSpans', spansToRows(spans))).rejects.toMatchObject({ code: 'ERR_WORKER_OUT_OF_MEMORY' });
    await w.write('putAlertRule', rule('after-crash'));
    expect((await store.listAlertRules()).map((r) => r.id)).toEqual(['after-crash']);
  });

  it('checkpoints at most once per interval, and once more after the last write', async () => {
    const calls: number[] = [];
    // Intervals far above a write's round trip, so a slow machine cannot reach them by accident.
    const w = writer(undefined, () => calls.push(performance.now()), 1000);
    await w.write('putAlertRule', rule('first'));
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    // Within the interval: no checkpoint yet, however many writes were answered.
    await w.write('putAlertRule', rule('second'));
    await w.write('putAlertRule', rule('third'));
    await nextTurn();
    expect(calls).toHaveLength(1);
    // The trailing one comes once the interval has passed, and covers both writes.
    await vi.waitFor(() => expect(calls).toHaveLength(2), { timeout: 10_000 });
    expect(calls[1]! - calls[0]!).toBeGreaterThanOrEqual(995);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(calls).toHaveLength(2);
  });

  it('drops a pending checkpoint on close', async () => {
    let calls = 0;
    const w = writer(undefined, () => calls++, 1000);
    await w.write('putAlertRule', rule('first'));
    await vi.waitFor(() => expect(calls).toBe(1));
    await w.write('putAlertRule', rule('second'));
    await w.close();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(calls).toBe(1);
  });

  it('keeps writing when the checkpoint fails', async () => {
    let calls = 0;
    const w = writer(undefined, () => {
      calls++;
      throw new Error('database is locked');
    });
    await w.write('putAlertRule', rule('first'));
    await vi.waitFor(() => expect(calls).toBe(1));
    await w.write('putAlertRule', rule('second'));
    await vi.waitFor(() => expect(calls).toBe(2));
    expect((await store.listAlertRules()).map((r) => r.id).sort()).toEqual(['first', 'second']);
  });
});
