/**
 * The lag loop: every interval, poll every source at once, judge what they read, store the samples
 * (raw, and 5-minute rollups as buckets close), then hand the statuses to whoever listens (alerts,
 * metrics). One cycle at a time: a cycle that outlives its interval delays the next one instead of
 * piling up, and each source's poll is aborted at the interval so one slow broker cannot stall the
 * others' next readings.
 */
import { LagDownsampler, LagEvaluator } from './evaluate/index.js';
import { STATUS_SEVERITY, type GroupStatus, type LagSample, type LagSource, type LagSystem } from './types.js';

export const ROLLUP_MS = 5 * 60_000;
const RETENTION_EVERY_MS = 60 * 60_000;
const MAX_QUEUED_WRITES = 3;

export interface LagMonitorLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface LagMonitorOptions {
  store: {
    putLagSamples(samples: LagSample[]): Promise<void>;
    deleteLagSamples(query: { resolutionMs: number; before: number }): Promise<void>;
  };
  intervalMs: number;
  window: number;
  rawRetentionMs: number;
  rollupRetentionMs: number;
  /** After each cycle, with every current status (including the last ones of sources that failed this time). */
  onEvaluated?: (groups: GroupStatus[], now: number) => Promise<void>;
  onPoll?: (source: string, ok: boolean, durationMs: number) => void;
  log: LagMonitorLog;
}

export interface LagSourceState {
  name: string;
  system: LagSystem;
  up: boolean;
  error?: string;
  lastPollAt?: number;
  lastPollMs?: number;
}

interface TrackedSource {
  source: LagSource;
  state: LagSourceState;
  groups: GroupStatus[];
  /** This cycle's samples, between polling and writing. */
  samples?: LagSample[];
}

export class LagMonitor {
  private readonly sources = new Map<string, TrackedSource>();
  private readonly evaluator: LagEvaluator;
  private readonly downsampler = new LagDownsampler(ROLLUP_MS);
  private timer: NodeJS.Timeout | undefined;
  private cycle: Promise<void> | undefined;
  private stopped = false;
  private lastRetention = 0;
  private readonly queuedWrites: LagSample[][] = [];
  private writing: Promise<void> | undefined;
  private retention: Promise<void> | undefined;
  /** Samples dropped because the store fell behind, since start. */
  droppedSamples = 0;

  constructor(private readonly options: LagMonitorOptions) {
    this.evaluator = new LagEvaluator({ windowSize: options.window });
  }

  get intervalMs(): number {
    return this.options.intervalMs;
  }

  /** Adds a source; its first poll happens at the next cycle. A second source with the same name is refused. */
  addSource(source: LagSource): void {
    if (this.sources.has(source.name)) throw new Error(`a lag source named "${source.name}" is already polled`);
    this.sources.set(source.name, { source, state: { name: source.name, system: source.system, up: false }, groups: [] });
  }

  hasSource(name: string): boolean {
    return this.sources.has(name);
  }

  /** Starts the loop: the first cycle right away, then one per interval. */
  start(): void {
    if (this.timer || this.stopped) return;
    const tick = (): void => {
      const started = Date.now();
      this.cycle = this.runOnce(started).finally(() => {
        this.cycle = undefined;
        if (this.stopped) return;
        this.timer = setTimeout(tick, Math.max(0, this.options.intervalMs - (Date.now() - started)));
        this.timer.unref();
      });
    };
    this.timer = setTimeout(tick, 0);
    this.timer.unref();
  }

  /** One cycle. Never throws: a failing source or store write is logged and the others go on. */
  async runOnce(now: number = Date.now()): Promise<void> {
    const tracked = [...this.sources.values()];
    await Promise.all(tracked.map((entry) => this.pollSource(entry, now)));
    const samples = tracked.flatMap((entry) => entry.samples ?? []);
    for (const entry of tracked) delete entry.samples;
    const rollups = this.downsamplerFlush(samples, now);
    this.write([...samples, ...rollups]);
    this.applyRetention(now);
    if (this.options.onEvaluated) {
      try {
        await this.options.onEvaluated(this.status(), now);
      } catch (err) {
        this.options.log.warn({ err }, 'lag: evaluating alerts failed');
      }
    }
  }

  /** Current status of every group, worst first, then by lag (largest first), then by name. */
  status(): GroupStatus[] {
    const groups = [...this.sources.values()].flatMap((entry) => entry.groups);
    return groups.sort(
      (a, b) => STATUS_SEVERITY[b.status] - STATUS_SEVERITY[a.status] || b.lag - a.lag || a.group.localeCompare(b.group) || a.cluster.localeCompare(b.cluster),
    );
  }

  sourceStates(): LagSourceState[] {
    return [...this.sources.values()].map((entry) => ({ ...entry.state }));
  }

  /** Stops the loop, waits for a running cycle, and closes every source. */
  async close(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.cycle;
    await this.flushed();
    await this.retention;
    await Promise.all(
      [...this.sources.values()].map((entry) =>
        entry.source.close().catch((err: unknown) => this.options.log.warn({ err, source: entry.source.name }, 'lag: closing a source failed')),
      ),
    );
  }

  private async pollSource(entry: TrackedSource, now: number): Promise<void> {
    const started = performance.now();
    const signal = AbortSignal.timeout(Math.max(100, this.options.intervalMs));
    try {
      const readings = await entry.source.poll(signal);
      const { samples, groups } = this.evaluator.evaluate(entry.source.name, readings, now);
      entry.samples = samples;
      entry.groups = groups;
      const wasDown = entry.state.lastPollAt !== undefined && !entry.state.up;
      entry.state = { name: entry.state.name, system: entry.state.system, up: true, lastPollAt: now, lastPollMs: performance.now() - started };
      if (wasDown) this.options.log.info({ source: entry.source.name }, 'lag: source is back');
      this.options.onPoll?.(entry.source.name, true, entry.state.lastPollMs ?? 0);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      // Logged when a source goes down, not on every failed poll of a source that stays down.
      if (entry.state.up || entry.state.lastPollAt === undefined) this.options.log.warn({ source: entry.source.name, err: message }, 'lag: polling a source failed');
      entry.state = { ...entry.state, up: false, error: message, lastPollAt: now, lastPollMs: performance.now() - started };
      this.options.onPoll?.(entry.source.name, false, entry.state.lastPollMs ?? 0);
    }
  }

  private downsamplerFlush(samples: LagSample[], now: number): LagSample[] {
    this.downsampler.add(samples);
    return this.downsampler.flush(now);
  }

  /**
   * Stores in the background, one write at a time, so a slow store (Elasticsearch takes seconds for
   * a 40,000-partition poll) never delays the next poll or the alerts. At most MAX_QUEUED_WRITES
   * wait; beyond that the oldest waiting batch is dropped (and counted) rather than memory growing.
   */
  private write(samples: LagSample[]): void {
    if (samples.length === 0) return;
    this.queuedWrites.push(samples);
    if (this.queuedWrites.length > MAX_QUEUED_WRITES) {
      const dropped = this.queuedWrites.shift() ?? [];
      this.droppedSamples += dropped.length;
      this.options.log.warn({ samples: dropped.length, dropped: this.droppedSamples }, 'lag: the store falls behind; dropped a poll\'s samples');
    }
    this.writing ??= this.drainWrites().finally(() => {
      this.writing = undefined;
    });
  }

  private async drainWrites(): Promise<void> {
    for (let batch = this.queuedWrites.shift(); batch; batch = this.queuedWrites.shift()) {
      try {
        await this.options.store.putLagSamples(batch);
      } catch (err) {
        this.options.log.warn({ err, samples: batch.length }, 'lag: storing samples failed');
      }
    }
  }

  /** Waits until every sample handed to the store so far is stored (tests, shutdown). */
  async flushed(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private applyRetention(now: number): void {
    if (now - this.lastRetention < RETENTION_EVERY_MS) return;
    this.lastRetention = now;
    const store = this.options.store;
    this.retention = (async () => {
      await store.deleteLagSamples({ resolutionMs: 0, before: now - this.options.rawRetentionMs });
      await store.deleteLagSamples({ resolutionMs: ROLLUP_MS, before: now - this.options.rollupRetentionMs });
    })().catch((err: unknown) => this.options.log.warn({ err }, 'lag: deleting old samples failed'));
  }
}
