import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { DeliveryRecord, EventRecord } from '../store.js';
import { HOUR, MINUTE, delivery, event } from '../contract/records.js';
import { SqliteStore } from './sqlite-store.js';
import { ensureRollups, prepareCompaction } from './topology.js';
import { LEVEL_STATE_SQL, ROLLUP_LEVELS_MS } from './topology-rollup-sql.js';
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
      // At time 0: the levels keep their bounds and nothing is compacted, as in the stored rollups.
      ensureRollups(db, 0);
      rows = rollupRows(db);
      throw new Error('rollback');
    })();
  } catch (err) {
    if ((err as Error).message !== 'rollback') throw err;
  }
  return rows;
}

/** A fresh file-backed store in the test directory. */
async function openStore(name: string): Promise<{ store: SqliteStore; path: string }> {
  const path = join(dir, name);
  const store = new SqliteStore(path);
  await store.init();
  return { store, path };
}

/** Records and errors per side over the whole span of `randomRecords`' times (and an hour either side). */
async function totals(store: SqliteStore): Promise<{ producers: { count: number; errors: number }; consumers: { count: number; errors: number } }> {
  const topology = await store.topology({ from: START - HOUR, to: START + 6 * HOUR });
  const sum = (rows: ReadonlyArray<{ count: number; errors: number }>) => ({
    count: rows.reduce((total, row) => total + row.count, 0),
    errors: rows.reduce((total, row) => total + row.errors, 0),
  });
  return { producers: sum(topology.producers), consumers: sum(topology.consumers) };
}

/** The stored rollups of the (closed) store at `path` equal those rebuilt from its tables. */
function expectRollupsOfTables(path: string): void {
  const db = new Database(path);
  try {
    expect(rollupRows(db)).toEqual(rebuiltRows(db));
  } finally {
    db.close();
  }
}

function levelBounds(db: Database.Database): Map<number, number> {
  const rows = db.prepare(LEVEL_STATE_SQL).all() as { levelMs: number; completeUntil: number }[];
  return new Map(rows.map((row) => [row.levelMs, row.completeUntil]));
}

/** Deliveries per consumer edge with a time in `[from, to]`, as the topology counts them. */
function exactConsumerCounts(deliveries: readonly DeliveryRecord[], from: number, to: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const d of deliveries) {
    if (d.receivedAt < from || d.receivedAt > to) continue;
    const key = JSON.stringify([d.destination ?? '', d.service, d.group ?? null]);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

function randomRecords(count: number, seed: number, start = START, spreadMs = 3 * HOUR): { events: EventRecord[]; deliveries: DeliveryRecord[] } {
  let state = seed;
  const random = () => (state = (state * 16807) % 2147483647) / 2147483647;
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const events = Array.from({ length: count }, () =>
    event({ producerService: pick(['a', 'b']), destination: pick(['x', 'y']), publishedAt: start + random() * spreadMs, sendDurationMs: random() * 20, sendError: random() < 0.2 }),
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

  it('keep each coarser level complete up to its bound while records arrive, change, and the clock moves', async () => {
    const path = join(dir, 'bounds.db');
    const store = new SqliteStore(path);
    await store.init();
    // Records from 3 h before now to 5 min after: some under the coarser levels' bounds, most not.
    const now = Date.now();
    const { events, deliveries } = randomRecords(400, 13, now - 3 * HOUR, 3 * HOUR + 5 * MINUTE);
    await store.putEvents(events);
    await store.putDeliveries(deliveries);
    const ranges = [
      { from: now - 4 * HOUR, to: now + HOUR },
      { from: now - 2 * HOUR - 7 * MINUTE, to: now - 5 * MINUTE },
      { from: now - 50 * MINUTE, to: now },
    ];
    const counted = async (target: SqliteStore) => {
      const results = [];
      for (const range of ranges) {
        const { consumers } = await target.topology(range);
        results.push(Object.fromEntries(consumers.map((row) => [JSON.stringify([row.destination, row.service, row.group ?? null]), row.count])));
      }
      return results;
    };
    const exact = () => ranges.map((range) => exactConsumerCounts(deliveries, range.from, range.to));
    expect(await counted(store)).toEqual(exact());
    // Late: under every bound. Changed: a third moved by an hour, back or forth across the bounds.
    const late = randomRecords(50, 17, now - 2 * HOUR, 30 * MINUTE);
    await store.putEvents(late.events);
    await store.putDeliveries(late.deliveries);
    deliveries.push(...late.deliveries);
    deliveries.forEach((d, i) => {
      if (i % 3 === 0) deliveries[i] = { ...d, receivedAt: d.receivedAt + (i % 2 === 0 ? HOUR : -HOUR), outcome: 'error' };
    });
    await store.putDeliveries(deliveries);
    expect(await counted(store)).toEqual(exact());
    await store.close();

    const db = new Database(path);
    try {
      const before = levelBounds(db);
      expect(before.get(ROLLUP_LEVELS_MS[0] as number)).toBeGreaterThan(now + 1000 * 24 * HOUR);
      for (const level of ROLLUP_LEVELS_MS.slice(1)) {
        const bound = before.get(level) as number;
        expect(bound % level).toBe(0);
        expect(bound).toBeLessThanOrEqual(now - 15 * MINUTE);
        // A coarser level holds no bucket past its bound.
        for (const table of ROLLUP_TABLES) {
          expect(db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE level_ms = ? AND start + level_ms > ?`).get(level, bound)).toEqual({ n: 0 });
        }
      }
      expect(rollupRows(db)).toEqual(rebuiltRows(db));
      // Some rows were written at the finest level only: the coarser levels did get fewer records.
      const total = (level: number) => db.prepare('SELECT SUM(count) AS n FROM topology_consumer_rollup WHERE level_ms = ?').pluck().get(level) as number;
      expect(total(ROLLUP_LEVELS_MS[1] as number)).toBeLessThan(total(ROLLUP_LEVELS_MS[0] as number));

      // Eight hours later every record is under every bound: compacted, the rollups still equal the tables.
      prepareCompaction(db)(now + 8 * HOUR);
      const after = levelBounds(db);
      for (const level of ROLLUP_LEVELS_MS.slice(1)) expect(after.get(level)).toBeGreaterThan(now + 5 * MINUTE);
      expect(total(ROLLUP_LEVELS_MS[3] as number)).toBe(total(ROLLUP_LEVELS_MS[0] as number));
      db.prepare('DELETE FROM deliveries WHERE rowid % 4 = 0').run();
      expect(rollupRows(db)).toEqual(rebuiltRows(db));
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
    for (const table of [...ROLLUP_TABLES, 'topology_keys', 'topology_level_state', 'topology_rollup_state']) db.exec(`DROP TABLE ${table}`);
    // Schema version 2 had a trigger of this name that added every record to every level.
    db.exec('CREATE TRIGGER topology_events_insert AFTER INSERT ON events BEGIN SELECT 1; END');
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
    expect(check.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name").pluck().all()).toEqual(
      ['deliveries', 'events'].flatMap((table) => ['delete', 'update'].map((event) => `topology_${table}_rollup_${event}`)),
    );
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

  it('count a record inserted and changed within one write once, at its last values', async () => {
    const { store, path } = await openStore('same-write.db');
    const { events, deliveries } = randomRecords(60, 11);
    // Each record twice in one write, the second copy moved by an hour and failed: the first copy
    // is inserted and waits to be rolled up; the second updates it, and the update trigger must
    // find it counted already.
    const moved = deliveries.map((d) => ({ ...d, receivedAt: d.receivedAt + HOUR, outcome: 'error' as const }));
    const movedEvents = events.map((e) => ({ ...e, publishedAt: e.publishedAt + HOUR, sendError: true }));
    await store.putDerived({ events: [...events, ...movedEvents], deliveries: deliveries.flatMap((d, i) => [d, moved[i] as DeliveryRecord]), edges: [] });
    expect(await totals(store)).toEqual({ producers: { count: 60, errors: 60 }, consumers: { count: 60, errors: 60 } });
    await store.close();
    expectRollupsOfTables(path);
  });

  it('forget the new rows of a write that failed, so the next write counts only its own', async () => {
    const { store, path } = await openStore('failed-write.db');
    const { events, deliveries } = randomRecords(80, 13);
    // The events go in and wait to be rolled up; the broken delivery (no service: NOT NULL) fails
    // the write, which rolls back before its flush. The next write's rows take the same rowids.
    const broken = { ...(deliveries[0] as DeliveryRecord), eventId: 'broken', service: null as unknown as string };
    await expect(store.putDerived({ events: events.slice(0, 40), deliveries: [broken], edges: [] })).rejects.toThrow(/NOT NULL/);
    await store.putDerived({ events: events.slice(40), deliveries: deliveries.slice(0, 40), edges: [] });
    const { producers, consumers } = await totals(store);
    expect([producers.count, consumers.count]).toEqual([40, 40]);
    await store.close();
    expectRollupsOfTables(path);
  });

  it('drop the former per-record insert triggers on open, so no record is counted twice', async () => {
    const { store, path } = await openStore('insert-triggers.db');
    await store.close();
    // The insert trigger of the collector before the fourteenth round (it added each record itself).
    const db = new Database(path);
    db.exec(`CREATE TRIGGER topology_deliveries_rollup_insert AFTER INSERT ON deliveries BEGIN
      INSERT INTO topology_keys (kind, key) VALUES ('consumer', json_array(COALESCE(NEW.destination, ''), NEW.service, NEW.consumer_group)) ON CONFLICT DO NOTHING;
      UPDATE topology_consumer_rollup SET count = count + 1000; END`);
    db.close();

    const reopened = new SqliteStore(path);
    await reopened.init();
    await reopened.putDeliveries(randomRecords(40, 5).deliveries);
    expect((await totals(reopened)).consumers.count).toBe(40);
    await reopened.close();
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
