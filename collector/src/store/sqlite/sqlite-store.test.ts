import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createStore } from '../index.js';
import { describeStoreContract } from '../store-contract.js';
import { event, span } from '../contract/records.js';
import { SqliteStore } from './sqlite-store.js';

const dir = mkdtempSync(join(tmpdir(), 'causeway-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The contract against a real database file (WAL, fsync), as the collector runs it.
describeStoreContract('sqlite (file)', async () => {
  const store = new SqliteStore(join(dir, 'contract', 'causeway.db'));
  await store.init();
  return store;
});

describe('SqliteStore', () => {
  it('creates the directory, uses WAL with synchronous=FULL, and keeps data across reopen', async () => {
    const path = join(dir, 'nested', 'deeper', 'store.db');
    const store = new SqliteStore(path);
    await store.init();
    const stored = span();
    const published = event();
    await store.putSpans([stored]);
    await store.putEvents([published]);
    await store.close();

    const raw = new Database(path, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();

    const reopened = new SqliteStore(path);
    await reopened.init();
    expect(await reopened.getSpans([stored])).toStrictEqual([stored]);
    expect(await reopened.getEvents([published.id])).toStrictEqual([published]);
    // synchronous is per connection: read it from the store's own.
    expect(reopened.readPragma("synchronous")).toBe(2 /* FULL */);
    await reopened.close();
  });

  it('refuses a database written by a newer schema', async () => {
    const path = join(dir, 'future.db');
    const raw = new Database(path);
    raw.pragma('user_version = 99');
    raw.close();
    await expect(new SqliteStore(path).init()).rejects.toThrow(/schema version 99/);
  });

  it('fails clearly when used before init()', async () => {
    await expect(new SqliteStore(':memory:').getEvents(['x'])).rejects.toThrow(/init\(\)/);
  });

  it('answers every contract query from an index, never a full table scan', async () => {
    const store = new SqliteStore(':memory:');
    await store.init();
    const plans = store.queryPlans();
    expect(Object.keys(plans).length).toBeGreaterThanOrEqual(10);
    // "SCAN <table>" without "USING ... INDEX" reads the whole table.
    const fullScans = Object.entries(plans).filter(([, plan]) =>
      /\bSCAN (spans|span_links|events|deliveries|edges|lag_samples|alert_events|dead_letters|redrive_audit)\b(?! USING)/.test(plan),
    );
    expect(fullScans).toEqual([]);
    await store.close();
  });
});

describe('createStore', () => {
  it('opens SQLite from sqlite: URLs, in memory or on disk', async () => {
    const memory = createStore({ url: 'sqlite::memory:' });
    expect(memory.kind).toBe('sqlite');
    await memory.init();
    await memory.putSpans([span()]);
    await memory.close();
    const file = createStore({ url: `sqlite:${join(dir, 'via-url', 'c.db')}` });
    await file.init();
    await file.close();
  });

  it('rejects unsupported URLs', () => {
    expect(() => createStore({ url: 'sqlite:' })).toThrow(/needs a path/);
    expect(() => createStore({ url: 'postgres://localhost/x' })).toThrow(/unsupported store URL/);
  });
});
