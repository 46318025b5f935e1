import { describe, expect, it } from 'vitest';
import { settleBounded, raceAbort, PollAbortedError } from './bounded.js';
import { CommitCounter } from './commit-counter.js';
import { createGroupFilter } from './group-filter.js';
import { decodeOffsetCommitKey } from './offset-commit-key.js';

/** A `__consumer_offsets` key laid out by hand: int16 version, int16-length strings, int32 partition. */
function commitKey(version: number, group: string, topic: string, partition: number): Buffer {
  const g = Buffer.from(group, 'utf8');
  const t = Buffer.from(topic, 'utf8');
  const key = Buffer.alloc(2 + 2 + g.length + 2 + t.length + 4);
  let at = key.writeInt16BE(version, 0);
  at = key.writeInt16BE(g.length, at);
  at += g.copy(key, at);
  at = key.writeInt16BE(t.length, at);
  at += t.copy(key, at);
  key.writeInt32BE(partition, at);
  return key;
}

describe('decodeOffsetCommitKey', () => {
  it('decodes version 0 and 1 offset commit keys', () => {
    expect(decodeOffsetCommitKey(commitKey(1, 'orders-group', 'orders', 7))).toEqual({ group: 'orders-group', topic: 'orders', partition: 7 });
    expect(decodeOffsetCommitKey(commitKey(0, 'g', 'tópico.ü', 0))).toEqual({ group: 'g', topic: 'tópico.ü', partition: 0 });
  });

  it('ignores group metadata and new-protocol records', () => {
    const groupMetadata = Buffer.alloc(2 + 2 + 1);
    groupMetadata.writeInt16BE(2, 0);
    groupMetadata.writeInt16BE(1, 2);
    groupMetadata.write('g', 4);
    expect(decodeOffsetCommitKey(groupMetadata)).toBeUndefined();
    expect(decodeOffsetCommitKey(commitKey(3, 'g', 't', 0))).toBeUndefined();
    expect(decodeOffsetCommitKey(commitKey(11, 'g', 't', 0))).toBeUndefined();
  });

  it('returns undefined for truncated or malformed keys instead of throwing', () => {
    const full = commitKey(1, 'group', 'topic', 3);
    for (let length = 0; length < full.length; length++) expect(decodeOffsetCommitKey(full.subarray(0, length))).toBeUndefined();
    const negativeLength = commitKey(1, 'group', 'topic', 3);
    negativeLength.writeInt16BE(-1, 2);
    expect(decodeOffsetCommitKey(negativeLength)).toBeUndefined();
    expect(decodeOffsetCommitKey(null)).toBeUndefined();
  });
});

describe('CommitCounter', () => {
  it('counts commits per group, topic and partition', () => {
    const counter = new CommitCounter();
    counter.record('g', 't', 0);
    counter.record('g', 't', 0);
    counter.record('g', 't', 1);
    counter.record('h', 't', 0);
    expect(counter.count('g', 't', 0)).toBe(2);
    expect(counter.count('g', 't', 1)).toBe(1);
    expect(counter.count('h', 't', 0)).toBe(1);
    expect(counter.count('g', 'u', 0)).toBe(0);
  });

  it('keeps at most maxEntries, dropping the least recently committed', () => {
    const counter = new CommitCounter({ maxEntries: 2 });
    counter.record('a', 't', 0);
    counter.record('b', 't', 0);
    counter.record('a', 't', 0);
    counter.record('c', 't', 0);
    expect(counter.size).toBe(2);
    expect(counter.count('b', 't', 0)).toBe(0);
    expect(counter.count('a', 't', 0)).toBe(2);
    expect(counter.count('c', 't', 0)).toBe(1);
  });

  it('forgets entries idle for longer than maxIdleMs', () => {
    const counter = new CommitCounter({ maxIdleMs: 1000 });
    counter.record('old', 't', 0, 0);
    counter.record('new', 't', 0, 5000);
    counter.sweep(5500);
    expect(counter.count('old', 't', 0)).toBe(0);
    expect(counter.count('new', 't', 0)).toBe(1);
  });
});

describe('group filter', () => {
  it('includes, excludes and always drops the watcher prefix', () => {
    const filter = createGroupFilter(['shop-*', 'billing'], ['shop-test-*'], 'causeway-lag-watcher-');
    expect(filter('shop-orders')).toBe(true);
    expect(filter('billing')).toBe(true);
    expect(filter('shop-test-1')).toBe(false);
    expect(filter('other')).toBe(false);
    const all = createGroupFilter(undefined, undefined, 'causeway-lag-watcher-');
    expect(all('anything')).toBe(true);
    expect(all('causeway-lag-watcher-123')).toBe(false);
  });
});

describe('bounded helpers', () => {
  it('never runs more than the limit at once and keeps item order', async () => {
    let running = 0;
    let peak = 0;
    const results = await settleBounded([1, 2, 3, 4, 5, 6, 7], 3, new AbortController().signal, async (n) => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 5));
      running -= 1;
      if (n === 4) throw new Error('four');
      return n * 10;
    });
    expect(peak).toBe(3);
    expect(results.map((r) => (r.ok ? r.value : 'failed'))).toEqual([10, 20, 30, 'failed', 50, 60, 70]);
  });

  it('starts no new work after an abort and rejects a raced promise at once', async () => {
    const controller = new AbortController();
    const started: number[] = [];
    const settled = settleBounded([1, 2, 3, 4], 1, controller.signal, async (n) => {
      started.push(n);
      if (n === 2) controller.abort();
      return n;
    });
    await settled;
    expect(started).toEqual([1, 2]);
    const never = new Promise<never>(() => undefined);
    const other = new AbortController();
    const raced = raceAbort(never, other.signal, 'test');
    other.abort();
    await expect(raced).rejects.toBeInstanceOf(PollAbortedError);
  });
});
