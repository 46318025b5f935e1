/** `/metrics` exposition: lag series from statuses, cardinality cap, poll, alert and ingest metrics. */
import { describe, expect, it } from 'vitest';
import type { ActiveAlert } from '../alerts/types.js';
import type { GroupStatus, LagStatus } from '../lag/types.js';
import { CollectorMetrics } from './index.js';
import { parseExposition, samplesOf, valueOf, type ParsedExposition } from './testing/exposition.js';

function group(overrides: Partial<GroupStatus> & Pick<GroupStatus, 'group'>): GroupStatus {
  return {
    system: 'kafka',
    cluster: 'default',
    source: 'kafka:127.0.0.1:9092',
    status: 'OK',
    reason: 'consumer is caught up',
    members: 1,
    lag: 0,
    destinations: [],
    partitions: [],
    updatedAt: 1_700_000_000_000,
    ...overrides,
  };
}

/** A group consuming one destination with the given status and lag. */
function simpleGroup(name: string, status: LagStatus, lag: number, cluster = 'default'): GroupStatus {
  return group({
    group: name,
    cluster,
    status,
    lag,
    destinations: [{ destination: 'orders', status, reason: status, lag }],
    partitions: [{ destination: 'orders', partition: 0, status, reason: status, lag }],
  });
}

async function scrape(metrics: CollectorMetrics): Promise<ParsedExposition> {
  const { body, contentType } = await metrics.render();
  expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  const parsed = parseExposition(body);
  expect(parsed.invalid).toEqual([]);
  return parsed;
}

const fixtures: GroupStatus[] = [
  group({
    group: 'billing',
    status: 'STOP',
    reason: 'no commits for 95 s while 1,204 messages wait',
    members: 0,
    lag: 1_504,
    lagSeconds: 95,
    destinations: [
      { destination: 'orders', status: 'STOP', reason: 'no commits', lag: 1_204, lagSeconds: 95 },
      { destination: 'refunds', status: 'OK', reason: 'caught up', lag: 300, lagSeconds: 2, drainSeconds: 6 },
    ],
    partitions: [
      { destination: 'orders', partition: 0, status: 'STOP', reason: 'no commits', lag: 1_000, lagSeconds: 95 },
      { destination: 'orders', partition: 1, status: 'OK', reason: 'caught up', lag: 204, lagSeconds: 40 },
      { destination: 'refunds', partition: 0, status: 'OK', reason: 'caught up', lag: 300, lagSeconds: 2, drainSeconds: 6 },
    ],
  }),
  group({
    system: 'rabbitmq',
    cluster: 'rabbit',
    source: 'rabbitmq:127.0.0.1:5672',
    group: 'mailer',
    status: 'WARN',
    reason: 'lag grew in 8 of the last 10 polls',
    members: 3,
    lag: 42,
    destinations: [{ destination: 'emails', status: 'WARN', reason: 'growing', lag: 42 }],
    partitions: [{ destination: 'emails', partition: 0, status: 'WARN', reason: 'growing', lag: 42 }],
  }),
];

describe('CollectorMetrics lag series', () => {
  it('exports lag, seconds, drain, status and members per cluster, group and destination', async () => {
    const metrics = new CollectorMetrics();
    metrics.updateLag(fixtures);
    const parsed = await scrape(metrics);

    const orders = { cluster: 'default', group: 'billing', destination: 'orders' };
    const refunds = { cluster: 'default', group: 'billing', destination: 'refunds' };
    const emails = { cluster: 'rabbit', group: 'mailer', destination: 'emails' };
    expect(valueOf(parsed, 'causeway_consumer_lag_messages', orders)).toBe(1_204);
    expect(valueOf(parsed, 'causeway_consumer_lag_messages', refunds)).toBe(300);
    expect(valueOf(parsed, 'causeway_consumer_lag_messages', emails)).toBe(42);
    expect(valueOf(parsed, 'causeway_consumer_lag_seconds', orders)).toBe(95);
    expect(valueOf(parsed, 'causeway_consumer_lag_seconds', refunds)).toBe(2);
    // Unknown seconds and drain times are absent, not zero.
    expect(valueOf(parsed, 'causeway_consumer_lag_seconds', emails)).toBeUndefined();
    expect(valueOf(parsed, 'causeway_consumer_drain_seconds', refunds)).toBe(6);
    expect(valueOf(parsed, 'causeway_consumer_drain_seconds', orders)).toBeUndefined();
    expect(valueOf(parsed, 'causeway_consumer_status', orders)).toBe(4);
    expect(valueOf(parsed, 'causeway_consumer_status', refunds)).toBe(0);
    expect(valueOf(parsed, 'causeway_consumer_status', emails)).toBe(1);
    expect(valueOf(parsed, 'causeway_consumer_members', { cluster: 'default', group: 'billing' })).toBe(0);
    expect(valueOf(parsed, 'causeway_consumer_members', { cluster: 'rabbit', group: 'mailer' })).toBe(3);
    expect(valueOf(parsed, 'causeway_consumer_groups', { cluster: 'default', status: 'STOP' })).toBe(1);
    expect(valueOf(parsed, 'causeway_consumer_groups', { cluster: 'rabbit', status: 'WARN' })).toBe(1);
    expect(valueOf(parsed, 'causeway_consumer_lag_series_dropped')).toBe(0);

    // Bounded cardinality: no per-partition series.
    for (const sample of samplesOf(parsed, 'causeway_consumer_lag_messages')) {
      expect(Object.keys(sample.labels).sort()).toEqual(['cluster', 'destination', 'group']);
    }
    expect(parsed.help.get('causeway_consumer_status')).toMatch(/0 OK.*1 WARN.*2 REWIND.*3 STALL.*4 STOP/);
  });

  it('removes the series of groups and destinations that disappear', async () => {
    const metrics = new CollectorMetrics();
    metrics.updateLag(fixtures);
    expect(samplesOf(await scrape(metrics), 'causeway_consumer_lag_messages')).toHaveLength(3);

    const [billing] = fixtures;
    if (!billing) throw new Error('fixture missing');
    metrics.updateLag([{ ...billing, destinations: billing.destinations.slice(0, 1) }]);
    const parsed = await scrape(metrics);
    expect(samplesOf(parsed, 'causeway_consumer_lag_messages').map((s) => s.labels.destination)).toEqual(['orders']);
    expect(samplesOf(parsed, 'causeway_consumer_lag_seconds')).toHaveLength(1);
    expect(samplesOf(parsed, 'causeway_consumer_drain_seconds')).toHaveLength(0);
    expect(samplesOf(parsed, 'causeway_consumer_members').map((s) => s.labels.group)).toEqual(['billing']);
    expect(valueOf(parsed, 'causeway_consumer_groups', { cluster: 'rabbit' })).toBeUndefined();

    metrics.updateLag([]);
    const empty = await scrape(metrics);
    for (const name of ['causeway_consumer_lag_messages', 'causeway_consumer_status', 'causeway_consumer_members']) {
      expect(samplesOf(empty, name)).toHaveLength(0);
      // The metric itself is still described, so dashboards and rules see it exists.
      expect(empty.types.get(name)).toBe('gauge');
    }
  });

  it('keeps at most maxLagSeries label sets, the worst first, and counts the rest', async () => {
    const metrics = new CollectorMetrics({ maxLagSeries: 2_000 });
    const groups: GroupStatus[] = [];
    // 2,950 healthy groups with lag 0..2,949, then 50 stopped groups with tiny lag.
    for (let i = 0; i < 2_950; i++) groups.push(simpleGroup(`ok-${i}`, 'OK', i));
    for (let i = 0; i < 50; i++) groups.push(simpleGroup(`stopped-${i}`, 'STOP', 1));
    metrics.updateLag(groups);
    const parsed = await scrape(metrics);

    const lagSeries = samplesOf(parsed, 'causeway_consumer_lag_messages');
    expect(lagSeries).toHaveLength(2_000);
    expect(samplesOf(parsed, 'causeway_consumer_status')).toHaveLength(2_000);
    expect(samplesOf(parsed, 'causeway_consumer_members').length).toBeLessThanOrEqual(2_000);
    expect(valueOf(parsed, 'causeway_consumer_lag_series_dropped')).toBe(1_000);
    const kept = new Set(lagSeries.map((s) => s.labels.group));
    for (let i = 0; i < 50; i++) expect(kept.has(`stopped-${i}`)).toBe(true);
    // Among the healthy ones, the largest lags stay: 1,950 of them, lag 1,000 and up.
    expect(kept.has('ok-2949')).toBe(true);
    expect(kept.has('ok-1000')).toBe(true);
    expect(kept.has('ok-999')).toBe(false);
    // The status overview still counts every group.
    expect(valueOf(parsed, 'causeway_consumer_groups', { cluster: 'default', status: 'OK' })).toBe(2_950);
    expect(valueOf(parsed, 'causeway_consumer_groups', { cluster: 'default', status: 'STOP' })).toBe(50);
  });

  it('truncates long label values and merges statuses that share a label set', async () => {
    const metrics = new CollectorMetrics();
    const longName = 'g'.repeat(1_000);
    const kafka = simpleGroup('shared', 'WARN', 10);
    const rabbit: GroupStatus = { ...simpleGroup('shared', 'STALL', 5), system: 'rabbitmq', members: 2 };
    metrics.updateLag([simpleGroup(longName, 'OK', 7), kafka, rabbit, simpleGroup('quote"back\\slash\nnewline', 'OK', 1)]);
    const parsed = await scrape(metrics);

    const long = samplesOf(parsed, 'causeway_consumer_lag_messages').find((s) => s.labels.group?.startsWith('ggg'));
    expect(long?.labels.group).toHaveLength(200);
    expect(valueOf(parsed, 'causeway_consumer_lag_messages', { group: 'shared' })).toBe(15);
    expect(valueOf(parsed, 'causeway_consumer_status', { group: 'shared' })).toBe(3);
    expect(valueOf(parsed, 'causeway_consumer_members', { group: 'shared' })).toBe(3);
    expect(valueOf(parsed, 'causeway_consumer_lag_messages', { group: 'quote"back\\slash\nnewline' })).toBe(1);
  });

  it('survives malformed statuses without throwing', async () => {
    const metrics = new CollectorMetrics();
    const broken = [
      null,
      { group: 'no-arrays', cluster: 'default', status: 'BOGUS', members: Number.NaN, lag: 3 },
      group({ group: 'nan', destinations: [{ destination: 'orders', status: 'OK', reason: '', lag: Number.NaN, lagSeconds: Infinity }] }),
      group({ group: 'from-partitions', status: 'STALL', partitions: [{ destination: 't', partition: 0, status: 'STALL', reason: '', lag: 4 }] }),
    ] as unknown as GroupStatus[];
    expect(() => metrics.updateLag(broken)).not.toThrow();
    expect(() => metrics.updateLag(undefined as unknown as GroupStatus[])).not.toThrow();
    metrics.updateLag(broken);
    const parsed = await scrape(metrics);
    expect(valueOf(parsed, 'causeway_consumer_lag_messages', { group: 'nan' })).toBe(0);
    expect(valueOf(parsed, 'causeway_consumer_lag_seconds', { group: 'nan' })).toBeUndefined();
    // Destinations are derived from partitions when a status leaves them out.
    expect(valueOf(parsed, 'causeway_consumer_lag_messages', { group: 'from-partitions', destination: 't' })).toBe(4);
    expect(valueOf(parsed, 'causeway_consumer_status', { group: 'from-partitions' })).toBe(3);
    expect(valueOf(parsed, 'causeway_consumer_members', { group: 'no-arrays' })).toBe(0);
  });
});

describe('CollectorMetrics health metrics', () => {
  it('records polls: duration histogram, source up and counts by result', async () => {
    const metrics = new CollectorMetrics();
    metrics.recordPoll('kafka:a', true, 120);
    metrics.recordPoll('kafka:a', true, 80);
    metrics.recordPoll('kafka:a', false, 10_000);
    metrics.recordPoll('rabbitmq:b', true, 3);
    metrics.recordPoll('rabbitmq:b', true, Number.NaN);
    const parsed = await scrape(metrics);

    expect(valueOf(parsed, 'causeway_lag_polls_total', { source: 'kafka:a', result: 'ok' })).toBe(2);
    expect(valueOf(parsed, 'causeway_lag_polls_total', { source: 'kafka:a', result: 'error' })).toBe(1);
    expect(valueOf(parsed, 'causeway_lag_polls_total', { source: 'rabbitmq:b', result: 'ok' })).toBe(2);
    expect(valueOf(parsed, 'causeway_lag_source_up', { source: 'kafka:a' })).toBe(0);
    expect(valueOf(parsed, 'causeway_lag_source_up', { source: 'rabbitmq:b' })).toBe(1);
    expect(valueOf(parsed, 'causeway_lag_poll_duration_seconds_count', { source: 'kafka:a' })).toBe(3);
    expect(valueOf(parsed, 'causeway_lag_poll_duration_seconds_sum', { source: 'kafka:a' })).toBeCloseTo(10.2, 6);
    expect(valueOf(parsed, 'causeway_lag_poll_duration_seconds_bucket', { source: 'kafka:a', le: '0.1' })).toBe(1);
    expect(valueOf(parsed, 'causeway_lag_poll_duration_seconds_bucket', { source: 'kafka:a', le: '+Inf' })).toBe(3);
    // A duration that is not a number is not observed, but the poll still counts.
    expect(valueOf(parsed, 'causeway_lag_poll_duration_seconds_count', { source: 'rabbitmq:b' })).toBe(1);
    expect(parsed.types.get('causeway_lag_poll_duration_seconds')).toBe('histogram');
    expect(parsed.types.get('causeway_lag_polls_total')).toBe('counter');
  });

  it('counts active alerts by state, zero when none', async () => {
    const metrics = new CollectorMetrics();
    let parsed = await scrape(metrics);
    expect(valueOf(parsed, 'causeway_alerts_active', { state: 'pending' })).toBe(0);
    expect(valueOf(parsed, 'causeway_alerts_active', { state: 'firing' })).toBe(0);

    const alert = (id: string, state: ActiveAlert['state']): ActiveAlert => ({
      id, ruleId: 'r', ruleName: 'r', metric: 'lag_messages', cluster: 'default', group: 'g', destination: 'd', state,
      since: 0, value: 1, threshold: 0, message: '', reason: '', silenced: false,
    });
    metrics.updateAlerts([alert('a', 'firing'), alert('b', 'firing'), alert('c', 'pending')]);
    parsed = await scrape(metrics);
    expect(valueOf(parsed, 'causeway_alerts_active', { state: 'firing' })).toBe(2);
    expect(valueOf(parsed, 'causeway_alerts_active', { state: 'pending' })).toBe(1);

    metrics.updateAlerts([]);
    parsed = await scrape(metrics);
    expect(valueOf(parsed, 'causeway_alerts_active', { state: 'firing' })).toBe(0);
  });

  it('reads ingest stats at scrape time and keeps the last values when stats() throws', async () => {
    let stats = { backlogSpans: 12, processedSpans: 3_400, failedAttempts: 2, walBytes: 65_536 };
    let fail = false;
    const metrics = new CollectorMetrics({
      ingestStats: () => {
        if (fail) throw new Error('pipeline closed');
        return stats;
      },
    });
    let parsed = await scrape(metrics);
    expect(valueOf(parsed, 'causeway_ingest_backlog_spans')).toBe(12);
    expect(valueOf(parsed, 'causeway_ingest_spans_processed_total')).toBe(3_400);
    expect(valueOf(parsed, 'causeway_ingest_failed_attempts_total')).toBe(2);
    expect(valueOf(parsed, 'causeway_ingest_wal_bytes')).toBe(65_536);
    expect(parsed.types.get('causeway_ingest_spans_processed_total')).toBe('counter');

    stats = { backlogSpans: 0, processedSpans: 3_412, failedAttempts: 2, walBytes: 0 };
    parsed = await scrape(metrics);
    expect(valueOf(parsed, 'causeway_ingest_backlog_spans')).toBe(0);
    expect(valueOf(parsed, 'causeway_ingest_spans_processed_total')).toBe(3_412);

    fail = true;
    parsed = await scrape(metrics);
    expect(valueOf(parsed, 'causeway_ingest_spans_processed_total')).toBe(3_412);
  });

  it('omits ingest metrics without ingestStats and adds prefixed process metrics', async () => {
    const parsed = await scrape(new CollectorMetrics());
    expect(parsed.types.has('causeway_ingest_backlog_spans')).toBe(false);
    expect(parsed.types.get('causeway_process_cpu_seconds_total')).toBe('counter');
    expect(parsed.types.get('causeway_process_resident_memory_bytes')).toBe('gauge');
    expect(parsed.types.get('causeway_nodejs_eventloop_lag_seconds')).toBe('gauge');
    expect(parsed.types.has('process_cpu_seconds_total')).toBe(false);
  });
});

describe('CollectorMetrics exposition', () => {
  it('is valid Prometheus text with HELP and TYPE for every metric', async () => {
    const metrics = new CollectorMetrics({
      ingestStats: () => ({ backlogSpans: 1, processedSpans: 2, failedAttempts: 0, walBytes: 3 }),
    });
    metrics.updateLag(fixtures);
    metrics.recordPoll('kafka:a', true, 5);
    const { body } = await metrics.render();
    const parsed = await scrape(metrics);
    expect(body.endsWith('\n')).toBe(true);
    expect(parsed.samples.length).toBeGreaterThan(50);

    for (const sample of parsed.samples) {
      const family = parsed.types.has(sample.name) ? sample.name : sample.name.replace(/_(bucket|sum|count)$/, '');
      expect(parsed.types.has(family), `${sample.name} has a TYPE line`).toBe(true);
      expect(parsed.help.get(family)?.length, `${family} has HELP text`).toBeGreaterThan(10);
      expect(sample.name.startsWith('causeway_'), sample.name).toBe(true);
    }
    for (const name of parsed.types.keys()) expect(parsed.help.has(name), `${name} has HELP`).toBe(true);
  });

  it('keeps two instances apart (own registries, no global state)', async () => {
    const a = new CollectorMetrics();
    const b = new CollectorMetrics();
    a.updateLag(fixtures);
    b.recordPoll('only-b', true, 1);
    const [pa, pb] = await Promise.all([scrape(a), scrape(b)]);
    expect(samplesOf(pa, 'causeway_consumer_lag_messages')).toHaveLength(3);
    expect(samplesOf(pb, 'causeway_consumer_lag_messages')).toHaveLength(0);
    expect(valueOf(pa, 'causeway_lag_source_up', { source: 'only-b' })).toBeUndefined();
    expect(valueOf(pb, 'causeway_lag_source_up', { source: 'only-b' })).toBe(1);
  });
});
