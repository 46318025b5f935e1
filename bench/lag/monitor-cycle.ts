/**
 * The rest of a lag cycle at 2,000 groups × 20 partitions, after the evaluator: the alert engine
 * (three rules over every group's destinations, history in a real SQLite store), the Prometheus
 * registry update and render, and storing the poll's raw samples in SQLite (a file, WAL + fsync, as
 * the collector runs it). Same SYNTHETIC offset source as the evaluator figures.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AlertEngine } from '../../collector/src/alerts/index.js';
import { LagEvaluator } from '../../collector/src/lag/evaluate/index.js';
import { CollectorMetrics } from '../../collector/src/metrics/index.js';
import { SqliteStore } from '../../collector/src/store/sqlite/sqlite-store.js';
import type { Report } from '../lib/report.js';
import { percentile } from '../lib/stats.js';
import { SyntheticOffsetSource } from './synthetic-source.js';

const INTERVAL_MS = 10_000;

export async function runMonitorCycleBench(report: Report, sizes: { groups: number; partitions: number; warmupCycles: number; cycles: number }): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'causeway-lag-bench-'));
  const store = new SqliteStore(join(dir, 'bench.db'));
  await store.init();
  try {
    const source = new SyntheticOffsetSource(sizes.groups, sizes.partitions);
    const evaluator = new LagEvaluator();
    const alerts = await AlertEngine.create({ store });
    for (const body of [
      { id: 'stopped', name: 'stopped', metric: 'status', threshold: 'STOP', for: '1m' },
      { id: 'behind', name: 'behind', metric: 'lag_messages', threshold: 10_000, for: '2m' },
      { id: 'old', name: 'old', metric: 'lag_seconds', threshold: 300, for: '5m' },
    ]) {
      await alerts.upsertRule(body);
    }
    const metrics = new CollectorMetrics();
    let now = Date.UTC(2026, 0, 1);
    const times = { alertsMs: [] as number[], metricsMs: [] as number[], renderMs: [] as number[], storeMs: [] as number[] };
    for (let i = 0; i < sizes.warmupCycles + sizes.cycles; i += 1) {
      now += INTERVAL_MS;
      const { samples, groups } = evaluator.evaluate('synthetic', source.poll(), now);
      const timed = i >= sizes.warmupCycles;
      let started = performance.now();
      await alerts.evaluate(groups, now);
      if (timed) times.alertsMs.push(performance.now() - started);
      started = performance.now();
      metrics.updateLag(groups);
      metrics.updateAlerts(alerts.active());
      if (timed) times.metricsMs.push(performance.now() - started);
      started = performance.now();
      await metrics.render();
      if (timed) times.renderMs.push(performance.now() - started);
      started = performance.now();
      await store.putLagSamples(samples);
      if (timed) times.storeMs.push(performance.now() - started);
    }
    const prefix = `lag (synthetic offsets, ${sizes.groups.toLocaleString('en-US')} groups × ${sizes.partitions} partitions)`;
    const add = (key: string, label: string, values: number[]) =>
      report.add({ key: `lag.synthetic.${key}.wallP50Ms`, label: `${prefix}: ${label}, median of ${values.length}`, value: percentile(values, 50), unit: 'ms' });
    add('alerts', 'alert engine, 3 rules', times.alertsMs);
    add('metrics', 'Prometheus gauges update', times.metricsMs);
    add('metricsRender', '/metrics render', times.renderMs);
    add('sqliteWrite', `SQLite write of the poll's ${(sizes.groups * sizes.partitions).toLocaleString('en-US')} samples`, times.storeMs);
    await alerts.close();
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
