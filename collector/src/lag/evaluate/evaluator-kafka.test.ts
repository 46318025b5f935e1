import { describe, expect, it } from 'vitest';
import type { LagStatus } from '../types.js';
import { LagEvaluator } from './evaluator.js';
import { kafkaReading, seeded, statusesOf } from './testing/readings.js';

/**
 * The integration scenario as a sample sequence: a consumer keeping up (noisy small lag, committing
 * as it goes) is paused while the producer keeps producing; later it resumes. Polls every 0.5–1 s,
 * window 6, like the tests against the real broker.
 */
function pausedConsumer(seed: number, pauseAt: number, resumeAt: number, polls: number) {
  const random = seeded(seed);
  let at = 1_700_000_000_000;
  let logEnd = 1_000;
  let committed = 1_000;
  const readings = [];
  for (let poll = 0; poll < polls; poll += 1) {
    at += 500 + Math.floor(random() * 500);
    logEnd += 3 + Math.floor(random() * 8);
    const consuming = poll < pauseAt || poll >= resumeAt;
    if (consuming) committed = poll >= resumeAt && poll < resumeAt + 2 ? committed + Math.ceil((logEnd - committed) / 2) : logEnd - Math.floor(random() * 4);
    readings.push({ at, reading: kafkaReading({ partitions: [{ partition: 0, committed, logEnd }] }) });
  }
  return readings;
}

describe('LagEvaluator: Kafka scenarios', () => {
  it.each([5, 6, 10])('a paused consumer turns WARN, then STOP once the whole window is stopped, and OK after resuming (window %i)', (windowSize) => {
    for (let seed = 1; seed <= 40; seed += 1) {
      const pauseAt = 12 + (seed % 5);
      const resumeAt = pauseAt + 2 * windowSize + 4;
      const statuses = statusesOf(new LagEvaluator({ windowSize }), pausedConsumer(seed, pauseAt, resumeAt, resumeAt + 10)).map((g) => g.status);
      const context = `seed ${seed}: ${statuses.join(' ')}`;
      expect(statuses.slice(0, pauseAt), context).not.toContain<LagStatus>('STOP');
      const afterPause = statuses.slice(pauseAt, resumeAt);
      const firstWarn = afterPause.indexOf('WARN');
      const firstStop = afterPause.indexOf('STOP');
      expect(firstWarn, context).toBeGreaterThanOrEqual(0);
      expect(firstStop, context).toBeGreaterThan(firstWarn);
      // Once stopped, it stays STOP until the consumer resumes.
      expect(afterPause.slice(firstStop).every((s) => s === 'STOP'), context).toBe(true);
      // The first poll that sees the resumed consumer's progress is no longer STOP, and it stays so.
      expect(statuses.slice(resumeAt), context).not.toContain<LagStatus>('STOP');
      expect(statuses.slice(resumeAt), context).toContain<LagStatus>('OK');
    }
  });

  it('a healthy consumer with noisy lag is not judged WARN at the default window', () => {
    const random = seeded(99);
    const evaluator = new LagEvaluator();
    let logEnd = 1_000_000;
    let committed = logEnd;
    let warnings = 0;
    const polls = 3_000;
    for (let poll = 0; poll < polls; poll += 1) {
      const produced = 500 + Math.floor(random() * 1_000);
      logEnd += produced;
      // Commits land every few seconds, so at poll time the group is behind by what arrived since
      // its last commit: anywhere between nothing and most of this interval's production.
      committed = Math.max(committed, logEnd - Math.floor(random() * produced * 0.8));
      const status = evaluator.evaluate('kafka', [kafkaReading({ partitions: [{ partition: 0, committed, logEnd }] })], poll * 10_000).groups[0]?.status;
      if (status === 'WARN') warnings += 1;
      expect(status).not.toBe('STOP');
    }
    expect(warnings / polls).toBeLessThan(0.005);
  });

  it('the STOP reason says how long nothing moved (beyond the window) and how much waits', () => {
    const statuses = statusesOf(new LagEvaluator({ windowSize: 6 }), pausedConsumer(7, 8, 40, 30));
    const stops = statuses.filter((g) => g.status === 'STOP');
    const seconds = stops.map((g) => Number(/no progress for (\d+) s/.exec(g.reason)?.[1]));
    expect(stops.at(-1)?.reason).toMatch(/^orders\/0: no progress for \d+ s while [\d,]+ messages wait$/);
    // 20 polls of 0.5–1 s since the pause, against a 6-poll window.
    expect(seconds.at(-1)).toBeGreaterThanOrEqual(10);
    expect(seconds.at(-1)).toBeGreaterThan(seconds[0] ?? Number.POSITIVE_INFINITY);
  });

  it('an idle topic with caught-up consumers stays OK for as long as it is idle', () => {
    const evaluator = new LagEvaluator({ windowSize: 6 });
    const readings = Array.from({ length: 200 }, (_, i) => ({
      at: 1_000 + i * 10_000,
      reading: kafkaReading({ members: i % 2, partitions: [0, 1, 2].map((partition) => ({ partition, committed: 500 + partition, logEnd: 500 + partition })) }),
    }));
    const statuses = statusesOf(evaluator, readings);
    expect(new Set(statuses.map((g) => g.status))).toEqual(new Set(['OK']));
    expect(statuses.at(-1)?.reason).toBe('caught up');
  });

  it('resetting offsets backwards shows REWIND while the reset is in the window', () => {
    const evaluator = new LagEvaluator({ windowSize: 5 });
    const at = (i: number) => 1_000 + i * 1_000;
    const readings = [];
    for (let i = 0; i < 6; i += 1) readings.push({ at: at(i), reading: kafkaReading({ partitions: [{ partition: 0, committed: 300, logEnd: 300 }] }) });
    for (let i = 6; i < 12; i += 1) readings.push({ at: at(i), reading: kafkaReading({ members: 0, partitions: [{ partition: 0, committed: 0, logEnd: 300 }] }) });
    const statuses = statusesOf(evaluator, readings);
    expect(statuses.slice(0, 6).map((g) => g.status)).toEqual(['OK', 'OK', 'OK', 'OK', 'OK', 'OK']);
    expect(statuses.slice(6, 10).map((g) => g.status)).toEqual(['REWIND', 'REWIND', 'REWIND', 'REWIND']);
    expect(statuses[6]?.reason).toBe('orders/0: offset went back from 300 to 0');
    // The reset leaves the window: an empty group sitting on 300 messages.
    expect(statuses[10]?.status).toBe('STOP');
    expect(statuses[10]?.reason).toMatch(/300 messages wait and no consumers$/);
  });

  it('an empty group with lag is STOP as soon as the minimum samples are in', () => {
    const readings = [0, 1, 2, 3].map((i) => ({ at: 5_000 + i * 10_000, reading: kafkaReading({ members: 0, partitions: [{ partition: 0, committed: 40, logEnd: 100 }] }) }));
    const statuses = statusesOf(new LagEvaluator(), readings);
    expect(statuses.map((g) => g.status)).toEqual(['OK', 'OK', 'STOP', 'STOP']);
    expect(statuses[0]?.reason).toBe('collecting samples (1 of 3)');
    expect(statuses[3]?.reason).toBe('orders/0: no progress for 30 s while 60 messages wait and no consumers');
    expect(statuses[3]?.members).toBe(0);
  });

  it('commits that do not move the offset are STALL', () => {
    const readings = [0, 1, 2].map((i) => ({ at: i * 10_000, reading: kafkaReading({ partitions: [{ partition: 0, committed: 40, logEnd: 100 + i, commits: 10 + i }] }) }));
    const statuses = statusesOf(new LagEvaluator(), readings);
    expect(statuses[2]?.status).toBe('STALL');
  });
});

describe('LagEvaluator: lag in seconds and drain time', () => {
  it('dates the message at the committed offset from the log-end history', () => {
    // 10 messages per second from t = 0; the consumer stays at offset 50 (written at 5.1 s).
    const evaluator = new LagEvaluator();
    let result;
    for (let second = 0; second <= 20; second += 10) {
      result = evaluator.evaluate('kafka', [kafkaReading({ partitions: [{ partition: 0, committed: 50, logEnd: second * 10 }] })], second * 1000);
    }
    expect(result?.samples[0]?.lagSeconds).toBeCloseTo(14.9, 6);
    expect(result?.groups[0]?.partitions[0]?.lagSeconds).toBeCloseTo(14.9, 6);
  });

  it('is a lower bound (time since the first observation) when the message is older than the history, and 0 at lag 0', () => {
    const evaluator = new LagEvaluator();
    const first = evaluator.evaluate('kafka', [kafkaReading({ partitions: [{ partition: 0, committed: 10, logEnd: 100 }] })], 60_000);
    expect(first.samples[0]?.lagSeconds).toBe(0);
    const later = evaluator.evaluate('kafka', [kafkaReading({ partitions: [{ partition: 0, committed: 10, logEnd: 100 }] })], 90_000);
    expect(later.samples[0]?.lagSeconds).toBe(30);
    const caughtUp = evaluator.evaluate('kafka', [kafkaReading({ partitions: [{ partition: 0, committed: 100, logEnd: 100 }] })], 100_000);
    expect(caughtUp.samples[0]?.lagSeconds).toBe(0);
    expect(caughtUp.samples[0]?.drainSeconds).toBe(0);
  });

  it('shares a topic partition’s history between groups, so a new group gets real ages at once', () => {
    const evaluator = new LagEvaluator();
    for (let second = 0; second <= 100; second += 10) {
      evaluator.evaluate('kafka', [kafkaReading({ group: 'old', partitions: [{ partition: 0, committed: second * 10, logEnd: second * 10 }] })], second * 1000);
    }
    const result = evaluator.evaluate(
      'kafka',
      [kafkaReading({ group: 'old', partitions: [{ partition: 0, committed: 1100, logEnd: 1100 }] }), kafkaReading({ group: 'new', partitions: [{ partition: 0, committed: 199, logEnd: 1100 }] })],
      110_000,
    );
    const fresh = result.groups.find((g) => g.group === 'new');
    expect(fresh?.lagSeconds).toBeCloseTo(90, 6);
  });

  it('drain time is lag over the consumption rate of the window, undefined when not consuming', () => {
    const evaluator = new LagEvaluator();
    let result;
    // Consumes 5/s, producer 6/s: 100 messages behind at the end → 20 s to drain.
    for (let i = 0; i <= 4; i += 1) {
      result = evaluator.evaluate('kafka', [kafkaReading({ partitions: [{ partition: 0, committed: 1000 + i * 50, logEnd: 1060 + i * 60 }] })], i * 10_000);
    }
    expect(result?.samples[0]?.lag).toBe(100);
    expect(result?.samples[0]?.drainSeconds).toBeCloseTo(20, 6);
    const stopped = new LagEvaluator();
    for (let i = 0; i <= 4; i += 1) result = stopped.evaluate('kafka', [kafkaReading({ partitions: [{ partition: 0, committed: 1000, logEnd: 1060 + i * 60 }] })], i * 10_000);
    expect(result?.samples[0]?.drainSeconds).toBeUndefined();
    expect(result?.groups[0]?.drainSeconds).toBeUndefined();
  });
});
