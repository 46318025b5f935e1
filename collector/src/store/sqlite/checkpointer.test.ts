import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { span as makeSpan } from '../contract/records.js';
import { CheckpointThread } from './checkpointer.js';
import { openConnection } from './connection.js';
import { SqliteStore } from './sqlite-store.js';

let dir: string;
let file: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'causeway-checkpoint-'));
  file = join(dir, 'causeway.db');
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** ~2 MB of spans: far below the writer connection's own checkpoint threshold. */
function spans() {
  return Array.from({ length: 2000 }, (_, i) =>
    makeSpan({ spanId: i.toString(16).padStart(16, '0'), attributes: { pad: 'p'.repeat(1000) } }),
  );
}

/** Commits ~1 MB into the WAL through a connection that never checkpoints by itself. */
function commitToWal(db: Database.Database, tag: string): void {
  db.prepare('INSERT INTO alert_rules (id, rule) VALUES (?, ?)').run(tag, 'x'.repeat(1 << 20));
}

describe('CheckpointThread', () => {
  it('is what copies committed pages into the database file after the store’s writes', async () => {
    const store = new SqliteStore(file);
    await store.init();
    try {
      const before = statSync(file).size;
      await store.putSpans(spans());
      await vi.waitFor(() => expect(statSync(file).size).toBeGreaterThan(before + 2000 * 1000), { timeout: 5000 });
    } finally {
      await store.close();
    }
  });

  it('starts a new thread when the one it had died, and stops for good on close', async () => {
    // The schema first, then a writing connection that leaves every checkpoint to the thread.
    const store = new SqliteStore(file);
    await store.init();
    await store.close();
    const db = openConnection(file);
    db.pragma('wal_autocheckpoint = 0');
    const thread = new CheckpointThread(file);
    try {
      await thread.start();
      const first = await (thread as unknown as { worker: Promise<Worker> }).worker;
      await first.terminate();

      const before = statSync(file).size;
      commitToWal(db, 'after-crash');
      thread.request();
      await vi.waitFor(() => expect(statSync(file).size).toBeGreaterThan(before + (1 << 20)), { timeout: 5000 });
      const second = await (thread as unknown as { worker: Promise<Worker> }).worker;
      expect(second).not.toBe(first);

      await thread.close();
      const closed = statSync(file).size;
      commitToWal(db, 'after-close');
      thread.request();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(statSync(file).size).toBe(closed);
    } finally {
      await thread.close();
      db.close();
    }
  });
});
