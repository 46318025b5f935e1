import { describe, expect, it } from 'vitest';
import { partitionLag, queueLag } from './arithmetic.js';
import { formatCount, formatDuration } from './format.js';

describe('partitionLag', () => {
  it('counts from the committed offset to the log end', () => {
    expect(partitionLag({ committed: 40, logStart: 0, logEnd: 100 })).toEqual({ lag: 60, position: 40, noCommit: false });
  });

  it('is zero when the group is at the log end', () => {
    expect(partitionLag({ committed: 100, logStart: 0, logEnd: 100 })).toEqual({ lag: 0, position: 100, noCommit: false });
  });

  it('counts everything still in the log when the group never committed', () => {
    expect(partitionLag({ logStart: 30, logEnd: 100 })).toEqual({ lag: 70, position: 30, noCommit: true });
  });

  it('treats a negative committed offset (Kafka -1) as no commit', () => {
    expect(partitionLag({ committed: -1, logStart: 5, logEnd: 9 })).toEqual({ lag: 4, position: 5, noCommit: true });
  });

  it('clamps to the log start when retention deleted past the committed offset', () => {
    expect(partitionLag({ committed: 10, logStart: 50, logEnd: 80 })).toEqual({ lag: 30, position: 50, noCommit: false, clamped: 'log-start' });
  });

  it('is zero, never negative, when the committed offset is past the log end', () => {
    expect(partitionLag({ committed: 120, logStart: 0, logEnd: 100 })).toEqual({ lag: 0, position: 100, noCommit: false, clamped: 'log-end' });
  });

  it('an empty log (start = end) has no lag with or without a commit', () => {
    expect(partitionLag({ logStart: 7, logEnd: 7 }).lag).toBe(0);
    expect(partitionLag({ committed: 7, logStart: 7, logEnd: 7 }).lag).toBe(0);
  });

  it('stays exact for offsets near 2^53', () => {
    const end = Number.MAX_SAFE_INTEGER;
    expect(partitionLag({ committed: end - 12_345, logStart: end - 1_000_000, logEnd: end }).lag).toBe(12_345);
  });

  it('reads nonsense numbers as 0 instead of throwing or going negative', () => {
    expect(partitionLag({ committed: Number.NaN, logStart: Number.NaN, logEnd: 10 })).toEqual({ lag: 10, position: 0, noCommit: true });
    expect(partitionLag({ committed: 5, logStart: 20, logEnd: 3 })).toEqual({ lag: 0, position: 20, noCommit: false, clamped: 'log-start' });
    expect(partitionLag({ committed: 1, logStart: -4, logEnd: Number.POSITIVE_INFINITY })).toEqual({ lag: 0, position: 0, noCommit: false, clamped: 'log-end' });
  });
});

describe('queueLag', () => {
  it('lag is ready plus unacknowledged; published counts acked too', () => {
    expect(queueLag({ ready: 7, unacked: 3, acked: 90, delivered: 95, headPublishedAt: 1_000 })).toEqual({
      lag: 10,
      ready: 7,
      unacked: 3,
      acked: 90,
      delivered: 95,
      published: 100,
      headPublishedAt: 1_000,
    });
  });

  it('without counters there is no position and no published count', () => {
    expect(queueLag({ ready: 4, unacked: 0 })).toEqual({ lag: 4, ready: 4, unacked: 0 });
  });

  it('ignores negative or missing numbers', () => {
    expect(queueLag({ ready: -3, unacked: Number.NaN, acked: -1, headPublishedAt: Number.NaN })).toEqual({ lag: 0, ready: 0, unacked: 0 });
  });
});

describe('reason formatting', () => {
  it('groups thousands and words durations coarsely', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(1204)).toBe('1,204');
    expect(formatCount(-1234567)).toBe('-1,234,567');
    expect(formatDuration(4_600)).toBe('5 s');
    expect(formatDuration(119_000)).toBe('119 s');
    expect(formatDuration(30 * 60_000)).toBe('30 min');
    expect(formatDuration(3 * 3_600_000 + 5 * 60_000)).toBe('3 h 5 min');
  });
});
