/**
 * When was the message at a given position produced? A per-partition history of (time, end) points,
 * where `end` is Kafka's log end offset or a queue's cumulative published count, answers it by
 * linear interpolation: the message at position p appeared when `end` went past p.
 *
 * Storage rules, so an idle partition keeps its history and memory stays bounded:
 * - a point is appended only when `end` changed; while it stays put, the second of two equal points
 *   has its time moved forward ("still E at t"), so a flat stretch costs two points however long;
 * - `end` going backwards (topic recreated, queue purged, counters reset) starts a new history;
 * - at `maxPoints`, the older half is thinned to every other point: recent positions stay precise,
 *   old ones get coarser, and the oldest point (the first ever seen) is kept as the lower bound.
 * A position older than the oldest point was produced before it: `producedAt` returns the oldest
 * point's time, so lag in seconds is then a lower bound (documented in `index.ts`).
 */

const INITIAL_POINTS = 8;
/** Thinning needs room to drop something. */
const MIN_POINTS = 4;

export class ProducedHistory {
  private times: Float64Array;
  private ends: Float64Array;
  private size = 0;
  private readonly maxPoints: number;

  constructor(maxPoints: number) {
    this.maxPoints = Math.max(MIN_POINTS, Math.floor(maxPoints));
    const initial = Math.min(INITIAL_POINTS, this.maxPoints);
    this.times = new Float64Array(initial);
    this.ends = new Float64Array(initial);
  }

  get length(): number {
    return this.size;
  }

  record(at: number, end: number): void {
    if (!Number.isFinite(at) || !Number.isFinite(end)) return;
    const last = this.size - 1;
    if (last >= 0) {
      const lastAt = this.times[last] as number;
      const lastEnd = this.ends[last] as number;
      if (at === lastAt) {
        // Several groups read the same partition in one poll: keep the highest end seen.
        this.ends[last] = Math.max(lastEnd, end);
        return;
      }
      if (at < lastAt || end < lastEnd) {
        this.size = 0;
      } else if (end === lastEnd) {
        if (last >= 1 && this.ends[last - 1] === lastEnd) {
          this.times[last] = at;
          return;
        }
      }
    }
    if (this.size === this.times.length) this.makeRoom();
    this.times[this.size] = at;
    this.ends[this.size] = end;
    this.size += 1;
  }

  /**
   * Epoch ms at which the message at `position` was produced: interpolated between the points
   * around it, the oldest point's time when it is older than the history, undefined when nothing
   * is recorded or `position` is at or past the latest end (no unconsumed message).
   */
  producedAt(position: number): number | undefined {
    if (this.size === 0 || !Number.isFinite(position)) return undefined;
    // Smallest index whose end is past `position` (ends never decrease within a history).
    let low = 0;
    let high = this.size;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.ends[mid] as number) > position) high = mid;
      else low = mid + 1;
    }
    if (low === this.size) return undefined;
    if (low === 0) return this.times[0] as number;
    const t0 = this.times[low - 1] as number;
    const t1 = this.times[low] as number;
    const e0 = this.ends[low - 1] as number;
    const e1 = this.ends[low] as number;
    // The end reached position + 1 when the message at `position` was written.
    const fraction = Math.min(1, Math.max(0, (position + 1 - e0) / (e1 - e0)));
    return t0 + fraction * (t1 - t0);
  }

  private makeRoom(): void {
    if (this.times.length < this.maxPoints) {
      const capacity = Math.min(this.maxPoints, this.times.length * 2);
      const times = new Float64Array(capacity);
      const ends = new Float64Array(capacity);
      times.set(this.times.subarray(0, this.size));
      ends.set(this.ends.subarray(0, this.size));
      this.times = times;
      this.ends = ends;
      return;
    }
    const half = this.size >> 1;
    let write = 1;
    for (let read = 1; read < this.size; read += 1) {
      if (read < half && read % 2 === 1) continue;
      this.times[write] = this.times[read] as number;
      this.ends[write] = this.ends[read] as number;
      write += 1;
    }
    this.size = write;
  }
}
