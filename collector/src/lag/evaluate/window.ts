/**
 * The last `windowSize` observations of one partition, oldest first: what the status rules judge.
 * One Float64Array per partition (fields interleaved) keeps 40,000 partitions × 10 polls at a few
 * tens of megabytes with no per-poll allocation. Unknown values are stored as NaN.
 */

export interface Observation {
  /** Epoch ms of the poll. */
  at: number;
  lag: number;
  /** What must move when the consumer works: Kafka's committed offset, a queue's ack count. */
  progress?: number;
  /** What grows when producers work: Kafka's log end, a queue's published count. */
  end?: number;
  /** Consumer activity that does not move `progress`: Kafka commit count, queue deliveries. */
  activity?: number;
  /** Queue ready count (the passive-declare rule looks at it). */
  ready?: number;
}

/** Read access for the rules; index 0 is the oldest observation. NaN means unknown. */
export interface WindowView {
  readonly length: number;
  at(index: number): number;
  lag(index: number): number;
  progress(index: number): number;
  end(index: number): number;
  activity(index: number): number;
  ready(index: number): number;
}

const AT = 0;
const LAG = 1;
const PROGRESS = 2;
const END = 3;
const ACTIVITY = 4;
const READY = 5;
const FIELDS = 6;

export class ObservationWindow implements WindowView {
  private readonly data: Float64Array;
  private first = 0;
  private size = 0;

  constructor(readonly capacity: number) {
    this.data = new Float64Array(Math.max(1, capacity) * FIELDS);
  }

  get length(): number {
    return this.size;
  }

  /**
   * Appends, dropping the oldest when full. A second observation at the same time replaces the
   * first (a source reported the partition twice); one from the past clears the window, because
   * intervals computed across a clock jump would be meaningless.
   */
  push(observation: Observation): void {
    this.append(observation.at, observation.lag, observation.progress, observation.end, observation.activity, observation.ready);
  }

  /** `push` without the object, for the evaluator's hot path (40,000 partitions a cycle). */
  append(at: number, lag: number, progress: number | undefined, end: number | undefined, activity: number | undefined, ready: number | undefined): void {
    const cap = this.data.length / FIELDS;
    if (this.size > 0) {
      const lastAt = this.at(this.size - 1);
      if (at < lastAt) this.clear();
      else if (at === lastAt) this.size -= 1;
    }
    let slot: number;
    if (this.size < cap) {
      slot = (this.first + this.size) % cap;
      this.size += 1;
    } else {
      slot = this.first;
      this.first = (this.first + 1) % cap;
    }
    const base = slot * FIELDS;
    this.data[base + AT] = at;
    this.data[base + LAG] = lag;
    this.data[base + PROGRESS] = progress ?? Number.NaN;
    this.data[base + END] = end ?? Number.NaN;
    this.data[base + ACTIVITY] = activity ?? Number.NaN;
    this.data[base + READY] = ready ?? Number.NaN;
  }

  clear(): void {
    this.first = 0;
    this.size = 0;
  }

  at(index: number): number {
    return this.field(index, AT);
  }
  lag(index: number): number {
    return this.field(index, LAG);
  }
  progress(index: number): number {
    return this.field(index, PROGRESS);
  }
  end(index: number): number {
    return this.field(index, END);
  }
  activity(index: number): number {
    return this.field(index, ACTIVITY);
  }
  ready(index: number): number {
    return this.field(index, READY);
  }

  private field(index: number, field: number): number {
    const cap = this.data.length / FIELDS;
    return this.data[((this.first + index) % cap) * FIELDS + field] ?? Number.NaN;
  }
}
