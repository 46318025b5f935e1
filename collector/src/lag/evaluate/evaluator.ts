/**
 * The lag evaluator: keeps, per source, a window of observations for every (cluster, group,
 * destination, partition) and a produce-time history for every topic partition or queue, and turns
 * one poll's readings into samples and group statuses. Pure and synchronous; memory is bounded by
 * the window and history caps and by forgetting what a source stopped reporting. See `index.ts`
 * for the definitions of lag, lag in seconds, drain time and status.
 */
import type { GroupReading, GroupStatus, LagSample, PartitionReading, PartitionStatus } from '../types.js';
import { GroupStatusBuilder } from './aggregate.js';
import { count, partitionLag, queueLag } from './arithmetic.js';
import { ProducedHistory } from './history.js';
import { judgePartition, type ProgressKind } from './rules.js';
import { ObservationWindow, type WindowView } from './window.js';

export interface LagEvaluatorOptions {
  /** Polls per partition the status rules look at (Burrow's window); default 10. */
  windowSize?: number;
  /** Fewer samples than this → status OK with reason "collecting samples (n of m)"; default 3. */
  minSamples?: number;
  /** (time, logEnd) points kept per partition for lag-in-seconds interpolation; default 360. */
  historyPoints?: number;
  /** Forget a partition (or a whole group) after this many polls of its source without it; default 30. */
  forgetAfterPolls?: number;
}

interface PartitionTrack {
  readonly window: ObservationWindow;
  /** Queues only: (time, published) points. Kafka partitions share their topic partition's log history. */
  queueHistory?: ProducedHistory;
  lastSeenPoll: number;
  /** Latest progress value (NaN: unknown) and when it was first seen, for "no progress for 95 s". */
  progress: number;
  progressSince: number;
}

interface LogHistory {
  readonly history: ProducedHistory;
  lastSeenPoll: number;
}

/**
 * Nested maps keyed once per reading (cluster + group + destination) and then by partition number:
 * building a string key per partition cost more than the rest of the evaluation.
 */
interface SourceState {
  polls: number;
  /** cluster, group, destination → partition → track. */
  readonly tracks: Map<string, Map<number, PartitionTrack>>;
  tracked: number;
  /** cluster, topic → partition → history: every group reading a partition sees the same log end. */
  readonly logHistories: Map<string, Map<number, LogHistory>>;
}

/** What the partitions of one reading share. */
interface ReadingContext {
  readonly state: SourceState;
  readonly tracks: Map<number, PartitionTrack>;
  readonly historyKey: string;
  /** Looked up on the first partition with offsets (queues have no shared history). */
  histories: Map<number, LogHistory> | undefined;
  readonly reading: GroupReading;
  readonly members: number;
}

interface PartitionOutcome {
  sample: LagSample;
  status: PartitionStatus;
}

const SEP = '\u0000';

export class LagEvaluator {
  private readonly windowSize: number;
  private readonly minSamples: number;
  private readonly historyPoints: number;
  private readonly forgetAfterPolls: number;
  private readonly sources = new Map<string, SourceState>();

  constructor(options: LagEvaluatorOptions = {}) {
    this.windowSize = positiveInteger(options.windowSize, 10);
    this.minSamples = positiveInteger(options.minSamples, 3);
    this.historyPoints = positiveInteger(options.historyPoints, 360);
    this.forgetAfterPolls = positiveInteger(options.forgetAfterPolls, 30);
  }

  /** Partitions tracked (for metrics/bench). */
  get trackedPartitions(): number {
    let total = 0;
    for (const state of this.sources.values()) total += state.tracked;
    return total;
  }

  /** Drops everything known about a source (it was removed from the configuration). */
  forgetSource(source: string): void {
    this.sources.delete(source);
  }

  /** One poll of one source: updates per-partition history, returns this poll's raw samples
   *  (resolutionMs 0, one per partition) and one GroupStatus per (cluster, group) seen in `readings`. */
  evaluate(source: string, readings: GroupReading[], now: number): { samples: LagSample[]; groups: GroupStatus[] } {
    const samples: LagSample[] = [];
    if (!Number.isFinite(now) || !Array.isArray(readings)) return { samples, groups: [] };
    let state = this.sources.get(source);
    if (!state) {
      state = { polls: 0, tracks: new Map(), tracked: 0, logHistories: new Map() };
      this.sources.set(source, state);
    }
    state.polls += 1;
    const builders = new Map<string, GroupStatusBuilder>();
    for (const reading of readings) {
      if (!isUsable(reading)) continue;
      const groupKey = reading.system + SEP + reading.cluster + SEP + reading.group;
      let builder = builders.get(groupKey);
      if (!builder) {
        builder = new GroupStatusBuilder(reading.system, reading.cluster, reading.group, source);
        builders.set(groupKey, builder);
      }
      const members = count(reading.members) ?? 0;
      builder.members = Math.max(builder.members, members);
      if (!Array.isArray(reading.partitions)) continue;
      const readingKey = reading.cluster + SEP + reading.group + SEP + reading.destination;
      let tracks = state.tracks.get(readingKey);
      if (!tracks) {
        tracks = new Map();
        state.tracks.set(readingKey, tracks);
      }
      const context: ReadingContext = { state, tracks, historyKey: reading.cluster + SEP + reading.destination, histories: undefined, reading, members };
      for (const partition of reading.partitions) {
        const outcome = this.evaluatePartition(context, partition, now);
        if (!outcome) continue;
        samples.push(outcome.sample);
        builder.add(outcome.status);
      }
    }
    this.forget(state);
    const groups: GroupStatus[] = [];
    for (const builder of builders.values()) groups.push(builder.build(now));
    return { samples, groups };
  }

  private evaluatePartition(context: ReadingContext, partition: PartitionReading | undefined, now: number): PartitionOutcome | undefined {
    const { state, tracks, reading, members } = context;
    if (!partition || typeof partition !== 'object' || !Number.isInteger(partition.partition) || partition.partition < 0) return undefined;
    if (!partition.offsets && !partition.queue) return undefined;
    let track = tracks.get(partition.partition);
    if (!track) {
      track = { window: new ObservationWindow(this.windowSize), lastSeenPoll: 0, progress: Number.NaN, progressSince: now };
      tracks.set(partition.partition, track);
      state.tracked += 1;
    }
    // A source listing the same partition twice in one poll: the first reading counts.
    if (track.lastSeenPoll === state.polls) return undefined;
    track.lastSeenPoll = state.polls;

    const sample: LagSample = {
      at: now,
      resolutionMs: 0,
      system: reading.system,
      cluster: reading.cluster,
      group: reading.group,
      destination: reading.destination,
      partition: partition.partition,
      lag: 0,
      members,
      status: 'OK',
    };
    let kind: ProgressKind;
    let lagSeconds: number | undefined;
    if (partition.offsets) {
      kind = 'offsets';
      const offsets = partitionLag(partition.offsets);
      const logStart = count(partition.offsets.logStart) ?? 0;
      const logEnd = offsets.position + offsets.lag;
      let histories = context.histories ?? state.logHistories.get(context.historyKey);
      if (!histories) {
        histories = new Map();
        state.logHistories.set(context.historyKey, histories);
      }
      context.histories = histories;
      let entry = histories.get(partition.partition);
      if (!entry) {
        entry = { history: new ProducedHistory(this.historyPoints), lastSeenPoll: 0 };
        histories.set(partition.partition, entry);
      }
      entry.lastSeenPoll = state.polls;
      const history = entry.history;
      history.record(now, logEnd);
      lagSeconds = offsets.lag === 0 ? 0 : secondsSince(now, history.producedAt(offsets.position));
      // Progress is the raw commit, not the clamped position: retention moving the log start is not progress.
      const committed = offsets.noCommit ? undefined : count(partition.offsets.committed);
      track.window.append(now, offsets.lag, committed, logEnd, count(partition.commits), undefined);
      sample.lag = offsets.lag;
      sample.position = offsets.position;
      sample.logStart = logStart;
      sample.logEnd = logEnd;
      if (offsets.noCommit) sample.noCommit = true;
    } else {
      const queue = queueLag(partition.queue as NonNullable<PartitionReading['queue']>);
      kind = queue.acked === undefined ? 'queue-uncounted' : 'queue-counted';
      if (queue.published !== undefined) {
        track.queueHistory ??= new ProducedHistory(this.historyPoints);
        track.queueHistory.record(now, queue.published);
      }
      if (queue.lag === 0) lagSeconds = 0;
      else if (queue.headPublishedAt !== undefined) lagSeconds = Math.max(0, (now - queue.headPublishedAt) / 1000);
      else if (queue.acked !== undefined && track.queueHistory) lagSeconds = secondsSince(now, track.queueHistory.producedAt(queue.acked));
      track.window.append(now, queue.lag, queue.acked, queue.published, queue.delivered, queue.ready);
      sample.lag = queue.lag;
      if (queue.acked !== undefined) sample.position = queue.acked;
      sample.ready = queue.ready;
      sample.unacked = queue.unacked;
    }

    const progress = track.window.progress(track.window.length - 1);
    if (!Object.is(progress, track.progress) || now < track.progressSince) {
      track.progress = progress;
      track.progressSince = now;
    }
    const verdict = judgePartition(track.window, kind, members, this.minSamples, now - track.progressSince);
    const drainSeconds = drainTime(track.window, sample.lag);
    sample.status = verdict.status;
    if (lagSeconds !== undefined) sample.lagSeconds = lagSeconds;
    if (drainSeconds !== undefined) sample.drainSeconds = drainSeconds;
    const status: PartitionStatus = { destination: reading.destination, partition: partition.partition, status: verdict.status, reason: verdict.reason, lag: sample.lag };
    if (lagSeconds !== undefined) status.lagSeconds = lagSeconds;
    if (drainSeconds !== undefined) status.drainSeconds = drainSeconds;
    if (sample.noCommit) status.noCommit = true;
    return { sample, status };
  }

  private forget(state: SourceState): void {
    const before = state.polls - this.forgetAfterPolls;
    for (const [key, tracks] of state.tracks) {
      for (const [partition, track] of tracks) {
        if (track.lastSeenPoll > before) continue;
        tracks.delete(partition);
        state.tracked -= 1;
      }
      if (tracks.size === 0) state.tracks.delete(key);
    }
    for (const [key, histories] of state.logHistories) {
      for (const [partition, entry] of histories) if (entry.lastSeenPoll <= before) histories.delete(partition);
      if (histories.size === 0) state.logHistories.delete(key);
    }
  }
}

/** Seconds to consume `lag` at the window's consumption rate; 0 when caught up, undefined when not consuming. */
function drainTime(window: WindowView, lag: number): number | undefined {
  if (lag === 0) return 0;
  let first = -1;
  let last = -1;
  for (let i = 0; i < window.length; i += 1) {
    if (Number.isNaN(window.progress(i))) continue;
    if (first < 0) first = i;
    last = i;
  }
  if (first < 0 || last <= first) return undefined;
  const seconds = (window.at(last) - window.at(first)) / 1000;
  const rate = (window.progress(last) - window.progress(first)) / seconds;
  return seconds > 0 && rate > 0 ? lag / rate : undefined;
}

function secondsSince(now: number, at: number | undefined): number | undefined {
  return at === undefined ? undefined : Math.max(0, (now - at) / 1000);
}

function isUsable(reading: GroupReading | undefined): reading is GroupReading {
  return (
    !!reading &&
    typeof reading === 'object' &&
    (reading.system === 'kafka' || reading.system === 'rabbitmq' || reading.system === 'in-process') &&
    typeof reading.cluster === 'string' &&
    typeof reading.group === 'string' &&
    typeof reading.destination === 'string'
  );
}

function positiveInteger(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 1 ? Math.floor(value) : fallback;
}

