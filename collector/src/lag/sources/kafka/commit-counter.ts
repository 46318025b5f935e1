/**
 * Cumulative offset-commit counts per group, topic and partition, as seen on `__consumer_offsets`.
 * Memory is bounded twice: entries idle for `maxIdleMs` are dropped, and past `maxEntries` the
 * least recently committed entries go first (a Map keeps insertion order, so moving an entry to the
 * end on each commit makes the front the coldest).
 */

export interface CommitCounterOptions {
  /** Default 1,000,000 entries: about 150 B each, so the cap bounds the map near 150 MB. */
  maxEntries?: number;
  /** Entries not committed to for this long are forgotten; default 24 h. */
  maxIdleMs?: number;
}

interface Entry {
  count: number;
  lastSeen: number;
}

const SEPARATOR = '\u0000';

export class CommitCounter {
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries: number;
  private readonly maxIdleMs: number;

  constructor(options: CommitCounterOptions = {}) {
    this.maxEntries = Math.max(1, options.maxEntries ?? 1_000_000);
    this.maxIdleMs = options.maxIdleMs ?? 24 * 60 * 60 * 1000;
  }

  get size(): number {
    return this.entries.size;
  }

  record(group: string, topic: string, partition: number, now = Date.now()): void {
    const key = keyOf(group, topic, partition);
    const entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      entry.count += 1;
      entry.lastSeen = now;
      this.entries.set(key, entry);
      return;
    }
    this.entries.set(key, { count: 1, lastSeen: now });
    while (this.entries.size > this.maxEntries) {
      const coldest = this.entries.keys().next();
      if (coldest.done) break;
      this.entries.delete(coldest.value);
    }
  }

  /** Commits seen since counting began (0 when none). */
  count(group: string, topic: string, partition: number): number {
    return this.entries.get(keyOf(group, topic, partition))?.count ?? 0;
  }

  /** Forgets entries idle for longer than `maxIdleMs`; the coldest are at the front, so stop at the first fresh one. */
  sweep(now = Date.now()): void {
    for (const [key, entry] of this.entries) {
      if (now - entry.lastSeen <= this.maxIdleMs) break;
      this.entries.delete(key);
    }
  }
}

function keyOf(group: string, topic: string, partition: number): string {
  return `${group}${SEPARATOR}${topic}${SEPARATOR}${partition}`;
}
