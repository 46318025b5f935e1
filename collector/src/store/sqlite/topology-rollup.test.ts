import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { DeliveryRecord, EventRecord } from '../store.js';
import { HOUR, MINUTE, delivery, event } from '../contract/records.js';
import { SqliteStore } from './sqlite-store.js';
import { ensureRollups } from './topology.js';
import { deliveryLatencyMs, nearestRank } from '../topology-math.js';

const dir = mkdtempSync(join(tmpdir(), 'causeway-topology-rollup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const START = Date.UTC(2026, 3, 1, 8);
const ROLLUP_TABLES = ['topology_producer_rollup', 'topology_consumer_rollup'] as const;

function rollupRows(db: Database.Database): unknown[] {
  return ROLLUP_TABLES.flatMap((table) =>
    db.prepare(`SELECT '${table}' AS t, r.level_ms, r.start, k.key, r.bucket, r.count, r.errors, r.latency_sum_us
      FROM ${table} r JOIN topology_keys k ON k.id = r.key_id ORDER BY 1, 2, 3, 4, 5`).all(),
  );
}

/** The rollups recomputed from the tables from scratch (in a transaction rolled back afterwards). */
function rebuiltRows(db: Database.Database): unknown[] {
  let rows: unknown[] = [];
  try {
    db.transaction(() => {
      db.prepare("DELETE FROM topology_rollup_state WHERE name = 'format'").run();
      ensureRollups(db);
      rows = rollupRows(db);
      throw new Error('rollback');
    })();
  } catch (err) {
    if ((err as Error).message !== 'rollback') throw err;
  }
  return rows;
}

function randomRecords(count: number, seed: number): { events: EventRecord[]; deliveries: DeliveryRecord[] } {
  let state = seed;
  const random = () => (state = (state * 16807) % 2147483647) / 2147483647;
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const events = Array.from({ length: count }, () =>
    event({ producerService: pick(['a', 'b']), destination: pick(['x', 'y']), publishedAt: START + random() * 3 * HOUR, sendDurationMs: random() * 20, sendError: random() < 0.2 }),
  );
  const deliveries = events.map((e) =>
    delivery({
      eventId: e.id,
      service: pick(['s', 't']),
      group: pick(['g1', 'g2']),
      destination: e.destination ?? '',
      receivedAt: e.publishedAt + random() * MINUTE,
      durationMs: random() * 100,
      queueMs: random() < 0.1 ? -0.5 : random() * 1000,
      outcome: pick(['ok', 'ok', 'error', 'retried', 'dead-lettered'] as const),
    }),
  );
  return { events, deliveries };
}

describe('SQLite topology rollups', () => {
  it('always equal the tables, through inserts, rewrites, re-sends and deletes', async () => {
    const path = join(dir, 'invariant.db');
    const store = new SqliteStore(path);
    await store.init();
    const { events, deliveries } = randomRecords(300, 7);
    await store.putEvents(events);
    await store.putDeliveries(deliveries);
    // Rewrites: other outcomes, latencies, groups and times for a third; the rest re-sent unchanged.
    const { events: other, deliveries: otherDeliveries } = randomRecords(300, 11);
    await store.putEvents(events.map((e, i) => (i % 3 === 0 ? { ...(other[i] as EventRecord), id: e.id } : e)));
    await store.putDeliveries(
      deliveries.map((d, i) => (i % 3 === 0 ? { ...(otherDeliveries[i] as DeliveryRecord), id: d.id, receivedAt: d.receivedAt } : d)),
    );
    await store.close();

    const db = new Database(path);
    try {
      db.prepare('DELETE FROM deliveries WHERE rowid % 5 = 0').run();
      db.prepare('DELETE FROM events WHERE rowid % 7 = 0').run();
      const rows = rollupRows(db);
      expect(rows.length).toBeGreaterThan(100);
      expect(rows).toEqual(rebuiltRows(db));
      // No empty cell is left behind.
      for (const table of ROLLUP_TABLES) expect(db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE count <= 0`).get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });

  it('are built on open for a database written before they existed, once', async () => {
    const path = join(dir, 'older.db');
    const store = new SqliteStore(path);
    await store.init();
    const { events, deliveries } = randomRecords(200, 3);
    await store.putEvents(events.slice(0, 100));
    await store.putDeliveries(deliveries.slice(0, 100));
    await store.close();

    // Turn it into a database of the previous schema: no rollup tables, no triggers.
    const db = new Database(path);
    for (const name of db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").pluck().all() as string[]) db.exec(`DROP TRIGGER ${name}`);
    for (const table of [...ROLLUP_TABLES, 'topology_keys', 'topology_levels', 'topology_rollup_state']) db.exec(`DROP TABLE ${table}`);
    db.close();

    const reopened = new SqliteStore(path);
    await reopened.init();
    await reopened.putEvents(events.slice(100));
    await reopened.putDeliveries(deliveries.slice(100));
    const topology = await reopened.topology({ from: START - HOUR, to: START + 5 * HOUR });
    expect(topology.producers.reduce((sum, row) => sum + row.count, 0)).toBe(200);
    expect(topology.consumers.reduce((sum, row) => sum + row.count, 0)).toBe(200);
    await reopened.close();

    const check = new Database(path);
    const once = rollupRows(check);
    check.close();
    const again = new SqliteStore(path);
    await again.init();
    await again.close();
    const after = new Database(path);
    expect(rollupRows(after)).toEqual(once);
    expect(once).toEqual(rebuiltRows(after));
    after.close();
  });

  it('report percentiles within 2 % of the exact nearest-rank values', async () => {
    const store = new SqliteStore(':memory:');
    await store.init();
    let state = 5;
    const random = () => (state = (state * 16807) % 2147483647) / 2147483647;
    // Latencies from 10 µs to 100 s, log-uniform, with some equal values and clock-skewed negatives.
    const deliveries = Array.from({ length: 2000 }, (_, i) =>
      delivery({
        eventId: `e${i}`,
        service: 'p',
        group: 'g',
        receivedAt: START + i * 1000,
        durationMs: i % 10 === 0 ? 25 : 10 ** (random() * 7 - 2),
        queueMs: i % 50 === 0 ? -40 : 0,
      }),
    );
    await store.putDeliveries(deliveries);
    const latencies = deliveries.map(deliveryLatencyMs).sort((a, b) => a - b);
    const [row] = (await store.topology({ from: START + 123.5, to: START + 3 * HOUR })).consumers;
    const inside = deliveries.filter((d) => d.receivedAt >= START + 123.5).map(deliveryLatencyMs).sort((a, b) => a - b);
    expect(latencies.length).toBe(2000);
    expect(row?.count).toBe(inside.length);
    for (const [p, value] of [[50, row?.p50Ms], [99, row?.p99Ms]] as const) {
      const exact = inside[nearestRank(p, inside.length) - 1] as number;
      expect(Math.abs((value ?? NaN) - exact)).toBeLessThanOrEqual(0.02 * Math.abs(exact) + 0.001);
    }
    await store.close();
  });
});
