import { describe, expect, it } from 'vitest';
import { judgePartition, trailingGrowth } from './rules.js';
import { ObservationWindow, type Observation } from './window.js';

/** A window from columns; `at` defaults to one observation per 10 s. */
function windowOf(columns: { lag: number[]; progress?: Array<number | undefined>; end?: Array<number | undefined>; activity?: Array<number | undefined>; ready?: number[] }, capacity = 10): ObservationWindow {
  const window = new ObservationWindow(capacity);
  columns.lag.forEach((lag, i) => {
    const observation: Observation = { at: 1_000_000 + i * 10_000, lag };
    const progress = columns.progress?.[i];
    const end = columns.end?.[i];
    const activity = columns.activity?.[i];
    const ready = columns.ready?.[i];
    if (progress !== undefined) observation.progress = progress;
    if (end !== undefined) observation.end = end;
    if (activity !== undefined) observation.activity = activity;
    if (ready !== undefined) observation.ready = ready;
    window.push(observation);
  });
  return window;
}

describe('ObservationWindow', () => {
  it('keeps the last `capacity` observations, oldest first', () => {
    const window = windowOf({ lag: [1, 2, 3, 4, 5, 6, 7] }, 4);
    expect(window.length).toBe(4);
    expect([0, 1, 2, 3].map((i) => window.lag(i))).toEqual([4, 5, 6, 7]);
    expect(Number.isNaN(window.progress(0))).toBe(true);
  });

  it('replaces an observation at the same time and restarts after a clock jump backwards', () => {
    const window = new ObservationWindow(3);
    window.push({ at: 10, lag: 1 });
    window.push({ at: 20, lag: 2 });
    window.push({ at: 20, lag: 3 });
    expect(window.length).toBe(2);
    expect(window.lag(1)).toBe(3);
    window.push({ at: 5, lag: 9 });
    expect(window.length).toBe(1);
    expect(window.lag(0)).toBe(9);
  });
});

describe('judgePartition (Kafka offsets)', () => {
  it('rule 1: OK while collecting samples', () => {
    const verdict = judgePartition(windowOf({ lag: [50, 60], progress: [0, 0] }), 'offsets', 1, 3);
    expect(verdict).toEqual({ status: 'OK', reason: 'collecting samples (2 of 3)' });
  });

  it('rule 2: OK when caught up, even with no movement at all (idle partition)', () => {
    const verdict = judgePartition(windowOf({ lag: [0, 0, 0, 0, 0], progress: [70, 70, 70, 70, 70], end: [70, 70, 70, 70, 70] }), 'offsets', 0, 3);
    expect(verdict).toEqual({ status: 'OK', reason: 'caught up' });
  });

  it('rule 3: REWIND when the committed offset goes backwards, naming both offsets', () => {
    const verdict = judgePartition(windowOf({ lag: [0, 0, 1980, 1990], progress: [2000, 2000, 20, 20], end: [2000, 2000, 2000, 2010] }), 'offsets', 0, 3);
    expect(verdict).toEqual({ status: 'REWIND', reason: 'offset went back from 2,000 to 20' });
  });

  it('rule 3 skips observations with no commit when comparing offsets', () => {
    const verdict = judgePartition(windowOf({ lag: [5, 5, 5, 80], progress: [100, undefined, undefined, 20], end: [105, 105, 105, 100] }), 'offsets', 1, 3);
    expect(verdict.status).toBe('REWIND');
  });

  it('rule 4: STALL when commits arrive but the offset does not move', () => {
    const verdict = judgePartition(windowOf({ lag: [10, 20, 30], progress: [5, 5, 5], end: [15, 25, 35], activity: [1, 2, 3] }), 'offsets', 2, 3);
    expect(verdict).toEqual({ status: 'STALL', reason: 'commits arrive but the offset stays at 5 while 30 messages wait' });
  });

  it('rule 4: STOP when nothing moves while messages wait, with the window duration', () => {
    const verdict = judgePartition(windowOf({ lag: [10, 20, 30, 40], progress: [5, 5, 5, 5], end: [15, 25, 35, 45], activity: [3, 3, 3, 3] }), 'offsets', 2, 3);
    expect(verdict).toEqual({ status: 'STOP', reason: 'no progress for 30 s while 40 messages wait' });
  });

  it('rule 4: an idle partition with waiting messages and a consumer that does not move is STOP (stuck consumer)', () => {
    const verdict = judgePartition(windowOf({ lag: [1, 1, 1], progress: [9, 9, 9], end: [10, 10, 10] }), 'offsets', 1, 3);
    expect(verdict).toEqual({ status: 'STOP', reason: 'no progress for 20 s while 1 message waits' });
  });

  it('rule 4: an empty group with lag is STOP, and says there are no consumers', () => {
    const verdict = judgePartition(windowOf({ lag: [1500, 1500, 1500], progress: [500, 500, 500], end: [2000, 2000, 2000] }), 'offsets', 0, 3);
    expect(verdict).toEqual({ status: 'STOP', reason: 'no progress for 20 s while 1,500 messages wait and no consumers' });
  });

  it('rule 4: never committed and nothing produced is OK; never committed while messages arrive is STOP', () => {
    const idle = judgePartition(windowOf({ lag: [30, 30, 30], end: [30, 30, 30] }), 'offsets', 1, 3);
    expect(idle).toEqual({ status: 'OK', reason: 'no commit on this partition and nothing produced during the window' });
    const growing = judgePartition(windowOf({ lag: [30, 31, 32], end: [30, 31, 32] }), 'offsets', 1, 3);
    expect(growing).toEqual({ status: 'STOP', reason: 'no commits for 20 s while 32 messages wait' });
  });

  it('rule 5: WARN when lag grows in every interval while the offset moves', () => {
    const verdict = judgePartition(windowOf({ lag: [10, 20, 30, 40], progress: [0, 5, 10, 15], end: [10, 25, 40, 55] }), 'offsets', 1, 3);
    expect(verdict).toEqual({ status: 'WARN', reason: 'lag grew from 10 to 40 over 30 s' });
  });

  it('rule 5: WARN needs growth in the recent half of the window and a higher lag than at its start', () => {
    // 9 intervals → growth in each of the last 5; the start of the window is noise.
    expect(trailingGrowth(windowOf({ lag: [3, 0, 2, 1, 1, 4, 9, 15, 22, 30] }))).toEqual({ from: 1, to: 30, ms: 50_000 });
    // Only 4 growing intervals at the end: not yet.
    expect(trailingGrowth(windowOf({ lag: [3, 0, 2, 1, 1, 1, 9, 15, 22, 30] }))).toBeUndefined();
    // A consumer working off a big backlog with small recent wiggles stays OK.
    expect(trailingGrowth(windowOf({ lag: [900, 500, 200, 10, 11, 12, 13, 14, 15, 16] }))).toBeUndefined();
    // One flat interval (counters refreshed between two polls, not at each) is tolerated…
    expect(trailingGrowth(windowOf({ lag: [0, 10, 20, 30, 30, 40, 50] }))).toEqual({ from: 20, to: 50, ms: 40_000 });
    // …two are not, and neither is any decrease among the examined intervals.
    expect(trailingGrowth(windowOf({ lag: [0, 10, 20, 20, 30, 30, 40] }))).toBeUndefined();
    expect(trailingGrowth(windowOf({ lag: [0, 10, 25, 20, 30, 40, 50] }))).toBeUndefined();
    // A short window must grow in every interval.
    expect(trailingGrowth(windowOf({ lag: [1, 2, 3] }))).toEqual({ from: 1, to: 3, ms: 20_000 });
    expect(trailingGrowth(windowOf({ lag: [1, 1, 3] }))).toBeUndefined();
    // Two observations cannot show a trend.
    expect(trailingGrowth(windowOf({ lag: [1, 2] }))).toBeUndefined();
  });

  it('rule 6: OK while consuming with a steady or shrinking lag', () => {
    const verdict = judgePartition(windowOf({ lag: [40, 35, 38, 30], progress: [0, 10, 20, 30], end: [40, 45, 58, 60] }), 'offsets', 1, 3);
    expect(verdict).toEqual({ status: 'OK', reason: 'consuming' });
  });
});

describe('judgePartition (queues)', () => {
  it('counted queue: acknowledgements going backwards is a counter reset, not REWIND', () => {
    const verdict = judgePartition(windowOf({ lag: [5, 4, 3], progress: [1000, 2, 6], end: [1005, 6, 9] }), 'queue-counted', 1, 3);
    expect(verdict.status).toBe('OK');
  });

  it('counted queue: deliveries without acknowledgements are STALL, nothing at all is STOP', () => {
    const stall = judgePartition(windowOf({ lag: [9, 9, 9], progress: [50, 50, 50], activity: [60, 70, 80] }), 'queue-counted', 1, 3);
    expect(stall).toEqual({ status: 'STALL', reason: 'deliveries continue but acknowledgements stay at 50 while 9 messages wait' });
    const stop = judgePartition(windowOf({ lag: [9, 9, 9], progress: [50, 50, 50], activity: [60, 60, 60] }), 'queue-counted', 0, 3);
    expect(stop).toEqual({ status: 'STOP', reason: 'no progress for 20 s while 9 messages wait and no consumers' });
  });

  it('uncounted queue: STOP when ready never drops and lag grows, or nobody consumes', () => {
    const growing = judgePartition(windowOf({ lag: [10, 20, 30], ready: [10, 20, 30] }), 'queue-uncounted', 1, 3);
    expect(growing).toEqual({ status: 'STOP', reason: 'no progress for 20 s while 30 messages wait (ready never dropped)' });
    const abandoned = judgePartition(windowOf({ lag: [7, 7, 7], ready: [7, 7, 7] }), 'queue-uncounted', 0, 3);
    expect(abandoned.status).toBe('STOP');
    expect(abandoned.reason).toMatch(/and no consumers$/);
  });

  it('uncounted queue: a steady backlog with consumers is OK, a dropping ready count is not STOP', () => {
    const steady = judgePartition(windowOf({ lag: [7, 7, 7], ready: [5, 5, 5] }), 'queue-uncounted', 2, 3);
    expect(steady).toEqual({ status: 'OK', reason: '7 messages wait' });
    const consuming = judgePartition(windowOf({ lag: [10, 20, 30, 40], ready: [10, 20, 15, 40] }), 'queue-uncounted', 1, 3);
    expect(consuming.status).toBe('WARN');
  });
});
