/**
 * The collector's Prometheus metrics: consumer lag per group and destination, the health of the lag
 * sources, active alerts, ingest health and the process's own figures. Each instance owns its
 * `Registry` (never prom-client's global one) so two collectors in one process do not clash.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ActiveAlert } from '../alerts/types.js';
import type { GroupStatus } from '../lag/types.js';
import type { IngestStats } from '../ingest/types.js';
import { selectLagSeries, truncateLabel } from './lag-series.js';

export interface CollectorMetricsOptions {
  /** Most (cluster, group, destination) label sets exported for lag; worst status first, then largest
   *  lag. The rest are summed into one `causeway_consumer_lag_series_dropped` gauge. Default 2,000. */
  maxLagSeries?: number;
  /** Called at scrape time for ingest health (the lead passes `() => pipeline.stats()`). */
  ingestStats?: () => IngestStats;
}

export const DEFAULT_MAX_LAG_SERIES = 2_000;

/** Prefix of every metric this registry exports, the process defaults included. */
export const METRIC_PREFIX = 'causeway_';

/** Poll durations range from a few ms (one small broker) to the whole interval (thousands of groups). */
const POLL_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

type GroupLabels = 'cluster' | 'group';
type LagLabels = GroupLabels | 'destination';

export class CollectorMetrics {
  readonly registry: Registry;
  private readonly maxLagSeries: number;
  private readonly lagMessages: Gauge<LagLabels>;
  private readonly lagSeconds: Gauge<LagLabels>;
  private readonly drainSeconds: Gauge<LagLabels>;
  private readonly status: Gauge<LagLabels>;
  private readonly members: Gauge<GroupLabels>;
  private readonly groups: Gauge<'cluster' | 'status'>;
  private readonly seriesDropped: Gauge;
  private readonly pollDuration: Histogram<'source'>;
  private readonly sourceUp: Gauge<'source'>;
  private readonly polls: Counter<'source' | 'result'>;
  private readonly alertsActive: Gauge<'state'>;

  constructor(options: CollectorMetricsOptions = {}) {
    const requested = options.maxLagSeries;
    this.maxLagSeries =
      typeof requested === 'number' && Number.isFinite(requested) && requested >= 0 ? Math.floor(requested) : DEFAULT_MAX_LAG_SERIES;
    const registry = new Registry();
    this.registry = registry;
    const registers = [registry];

    this.lagMessages = new Gauge({
      name: 'causeway_consumer_lag_messages',
      help: 'Messages a consumer group is behind on a topic or queue, summed over partitions (Kafka: log end minus committed offset; queues: ready plus unacknowledged).',
      labelNames: ['cluster', 'group', 'destination'],
      registers,
    });
    this.lagSeconds = new Gauge({
      name: 'causeway_consumer_lag_seconds',
      help: 'Estimated age in seconds of the oldest message the group has not consumed, maximum over partitions; absent when it cannot be estimated.',
      labelNames: ['cluster', 'group', 'destination'],
      registers,
    });
    this.drainSeconds = new Gauge({
      name: 'causeway_consumer_drain_seconds',
      help: 'Estimated seconds for the group to consume its lag at its current consumption rate, maximum over partitions; absent when it is not draining.',
      labelNames: ['cluster', 'group', 'destination'],
      registers,
    });
    this.status = new Gauge({
      name: 'causeway_consumer_status',
      help: 'Consumer status (worst partition) as a severity number: 0 OK, 1 WARN (lag growing), 2 REWIND (offset went backwards), 3 STALL (commits without progress), 4 STOP (no commits while lagging).',
      labelNames: ['cluster', 'group', 'destination'],
      registers,
    });
    this.members = new Gauge({
      name: 'causeway_consumer_members',
      help: 'Consumers attached to the group (group members or queue consumers); 0 for an empty group.',
      labelNames: ['cluster', 'group'],
      registers,
    });
    this.groups = new Gauge({
      name: 'causeway_consumer_groups',
      help: 'Consumer groups per cluster and status (OK, WARN, REWIND, STALL, STOP), counting every group even when its lag series were dropped by the cardinality cap.',
      labelNames: ['cluster', 'status'],
      registers,
    });
    this.seriesDropped = new Gauge({
      name: 'causeway_consumer_lag_series_dropped',
      help: `Lag series (cluster, group, destination) left out of this exposition because more than the cap (${this.maxLagSeries}) exist; the least alarming are dropped first.`,
      registers,
    });
    this.pollDuration = new Histogram({
      name: 'causeway_lag_poll_duration_seconds',
      help: 'Duration of one poll of a lag source (a Kafka cluster or RabbitMQ broker), successful or not.',
      labelNames: ['source'],
      buckets: POLL_DURATION_BUCKETS,
      registers,
    });
    this.sourceUp = new Gauge({
      name: 'causeway_lag_source_up',
      help: 'Whether the last poll of the lag source succeeded (1) or failed (0).',
      labelNames: ['source'],
      registers,
    });
    this.polls = new Counter({
      name: 'causeway_lag_polls_total',
      help: 'Polls of a lag source by result (ok or error).',
      labelNames: ['source', 'result'],
      registers,
    });
    this.alertsActive = new Gauge({
      name: 'causeway_alerts_active',
      help: "Causeway's own lag alerts currently pending (condition holds, 'for' not reached) or firing.",
      labelNames: ['state'],
      registers,
    });
    this.alertsActive.set({ state: 'pending' }, 0);
    this.alertsActive.set({ state: 'firing' }, 0);

    if (options.ingestStats) this.registerIngestMetrics(options.ingestStats);
    collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  }

  /** Replaces the lag gauges with these statuses (groups gone since the last call disappear). */
  updateLag(groups: GroupStatus[]): void {
    const selection = selectLagSeries(groups, this.maxLagSeries);
    for (const gauge of [this.lagMessages, this.lagSeconds, this.drainSeconds, this.status, this.members, this.groups]) gauge.reset();
    for (const s of selection.series) {
      const labels = { cluster: s.cluster, group: s.group, destination: s.destination };
      this.lagMessages.set(labels, s.lag);
      this.status.set(labels, s.severity);
      if (s.lagSeconds !== undefined) this.lagSeconds.set(labels, s.lagSeconds);
      if (s.drainSeconds !== undefined) this.drainSeconds.set(labels, s.drainSeconds);
    }
    for (const m of selection.members) this.members.set({ cluster: m.cluster, group: m.group }, m.members);
    for (const g of selection.groupsByStatus) this.groups.set({ cluster: g.cluster, status: g.status }, g.count);
    this.seriesDropped.set(selection.dropped);
  }

  /** One poll of one lag source finished. */
  recordPoll(source: string, ok: boolean, durationMs: number): void {
    const labels = { source: truncateLabel(source) };
    if (typeof durationMs === 'number' && Number.isFinite(durationMs) && durationMs >= 0) {
      this.pollDuration.observe(labels, durationMs / 1000);
    }
    this.sourceUp.set(labels, ok ? 1 : 0);
    this.polls.inc({ ...labels, result: ok ? 'ok' : 'error' });
  }

  /** Current alert counts (the lead calls after each evaluation). */
  updateAlerts(active: ActiveAlert[]): void {
    let pending = 0;
    let firing = 0;
    for (const alert of Array.isArray(active) ? active : []) {
      if (alert?.state === 'firing') firing += 1;
      else if (alert?.state === 'pending') pending += 1;
    }
    this.alertsActive.set({ state: 'pending' }, pending);
    this.alertsActive.set({ state: 'firing' }, firing);
  }

  /** Prometheus text exposition, and its content type. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /**
   * Ingest figures are read when scraped, not pushed, so they are never stale. A failing or odd
   * `stats()` keeps the previous value rather than failing the whole scrape.
   */
  private registerIngestMetrics(ingestStats: () => IngestStats): void {
    const read = (field: keyof IngestStats): number | undefined => {
      try {
        const value = ingestStats()[field];
        return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
      } catch {
        return undefined;
      }
    };
    const registers = [this.registry];
    new Gauge({
      name: 'causeway_ingest_backlog_spans',
      help: 'Spans accepted by the collector and not yet processed (stored and correlated).',
      registers,
      collect() {
        const value = read('backlogSpans');
        if (value !== undefined) this.set(value);
      },
    });
    new Gauge({
      name: 'causeway_ingest_wal_bytes',
      help: 'Size of the ingest write-ahead log on disk, in bytes.',
      registers,
      collect() {
        const value = read('walBytes');
        if (value !== undefined) this.set(value);
      },
    });
    // Counters mirror the pipeline's cumulative totals: reset, then set to the total.
    new Counter({
      name: 'causeway_ingest_spans_processed_total',
      help: 'Spans processed by the ingest pipeline since the collector started (replayed ones included).',
      registers,
      collect() {
        const value = read('processedSpans');
        if (value === undefined) return;
        this.reset();
        this.inc(value);
      },
    });
    new Counter({
      name: 'causeway_ingest_failed_attempts_total',
      help: 'Attempts to process a batch of spans that failed (and were retried) since the collector started.',
      registers,
      collect() {
        const value = read('failedAttempts');
        if (value === undefined) return;
        this.reset();
        this.inc(value);
      },
    });
  }
}
