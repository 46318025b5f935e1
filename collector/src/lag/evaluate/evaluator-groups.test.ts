import { describe, expect, it } from 'vitest';
import type { GroupReading } from '../types.js';
import { LagEvaluator } from './evaluator.js';
import { kafkaReading } from './testing/readings.js';

/** Three polls 10 s apart of the same readings, each poll's own readings built by `at(i)`. */
function pollThrice(evaluator: LagEvaluator, at: (i: number) => GroupReading[], source = 'kafka:one') {
  let result;
  for (let i = 0; i < 3; i += 1) result = evaluator.evaluate(source, at(i), i * 10_000);
  if (!result) throw new Error('unreachable');
  return result;
}

describe('LagEvaluator: group aggregation', () => {
  it('one status per group: worst partition with its place, sums, maxima and sorted partitions', () => {
    const result = pollThrice(new LagEvaluator(), (i) => [
      kafkaReading({ destination: 'payments', partitions: [{ partition: 1, committed: 100 + i * 10, logEnd: 120 + i * 10 }, { partition: 0, committed: 50, logEnd: 50 }] }),
      kafkaReading({
        destination: 'orders',
        partitions: [
          { partition: 2, committed: 10, logEnd: 40 + i },
          { partition: 0, committed: i * 5, logEnd: 5 + i * 5 },
        ],
      }),
      kafkaReading({ group: 'audit', destination: 'orders', partitions: [{ partition: 0, committed: 5 + i * 5, logEnd: 5 + i * 5 }] }),
    ]);
    expect(result.groups.map((g) => g.group)).toEqual(['billing', 'audit']);
    const billing = result.groups[0];
    expect(billing?.source).toBe('kafka:one');
    expect(billing?.updatedAt).toBe(20_000);
    expect(billing?.partitions.map((p) => `${p.destination}/${p.partition}`)).toEqual(['orders/0', 'orders/2', 'payments/0', 'payments/1']);
    expect(billing?.status).toBe('STOP');
    expect(billing?.reason).toBe('orders/2: no progress for 20 s while 32 messages wait');
    expect(billing?.lag).toBe(5 + 32 + 0 + 20);
    expect(billing?.destinations).toEqual([
      expect.objectContaining({ destination: 'orders', status: 'STOP', reason: 'partition 2: no progress for 20 s while 32 messages wait', lag: 37 }),
      expect.objectContaining({ destination: 'payments', status: 'OK', lag: 20, drainSeconds: 20 }),
    ]);
    // orders/2 does not drain: neither does its destination nor the group.
    expect(billing?.destinations[0]?.drainSeconds).toBeUndefined();
    expect(billing?.drainSeconds).toBeUndefined();
    expect(billing?.lagSeconds).toBe(Math.max(...(billing?.partitions.map((p) => p.lagSeconds ?? 0) ?? [])));
    expect(result.groups[1]).toMatchObject({ group: 'audit', status: 'OK', reason: 'caught up', lag: 0, lagSeconds: 0, drainSeconds: 0 });
    expect(result.samples).toHaveLength(5);
    expect(result.samples.every((s) => s.resolutionMs === 0 && s.at === 20_000)).toBe(true);
  });

  it('among equally bad partitions the one with the most lag names the reason', () => {
    const result = pollThrice(new LagEvaluator(), () => [
      kafkaReading({ members: 0, partitions: [{ partition: 0, committed: 1, logEnd: 10 }, { partition: 1, committed: 1, logEnd: 500 }, { partition: 2, committed: 1, logEnd: 20 }] }),
    ]);
    expect(result.groups[0]?.reason).toMatch(/^orders\/1: .*499 messages wait and no consumers$/);
  });

  it('keeps two clusters’ groups of the same name apart and reports members and no-commit partitions', () => {
    const result = new LagEvaluator().evaluate(
      'kafka:multi',
      [kafkaReading({ cluster: 'east', members: 3, partitions: [{ partition: 0, logStart: 4, logEnd: 10 }] }), kafkaReading({ cluster: 'west', members: 0, partitions: [{ partition: 0, committed: 10, logEnd: 10 }] })],
      1_000,
    );
    expect(result.groups.map((g) => [g.cluster, g.members])).toEqual([
      ['east', 3],
      ['west', 0],
    ]);
    expect(result.groups[0]?.partitions[0]).toMatchObject({ noCommit: true, lag: 6 });
    expect(result.samples[0]).toMatchObject({ noCommit: true, position: 4, logStart: 4, logEnd: 10, lag: 6 });
  });
});

describe('LagEvaluator: memory and bad input', () => {
  it('forgets a partition after `forgetAfterPolls` polls of its own source without it', () => {
    const evaluator = new LagEvaluator({ forgetAfterPolls: 3 });
    const gone = kafkaReading({ group: 'gone', partitions: [{ partition: 0, committed: 1, logEnd: 1 }] });
    const stays = kafkaReading({ group: 'stays', partitions: [{ partition: 0, committed: 1, logEnd: 1 }] });
    evaluator.evaluate('a', [gone, stays], 0);
    evaluator.evaluate('b', [kafkaReading({ group: 'other', partitions: [{ partition: 0, committed: 1, logEnd: 1 }] })], 0);
    expect(evaluator.trackedPartitions).toBe(3);
    // Polls of source b do not age source a's partitions.
    for (let i = 1; i <= 10; i += 1) evaluator.evaluate('b', [kafkaReading({ group: 'other', partitions: [{ partition: 0, committed: 1, logEnd: 1 }] })], i);
    expect(evaluator.trackedPartitions).toBe(3);
    evaluator.evaluate('a', [stays], 1_000);
    evaluator.evaluate('a', [stays], 2_000);
    expect(evaluator.trackedPartitions).toBe(3);
    evaluator.evaluate('a', [stays], 3_000);
    expect(evaluator.trackedPartitions).toBe(2);
    // Seen again: starts over, collecting samples.
    const back = evaluator.evaluate('a', [gone, stays], 4_000);
    expect(back.groups[0]?.reason).toBe('collecting samples (1 of 3)');
    evaluator.forgetSource('b');
    expect(evaluator.trackedPartitions).toBe(2);
  });

  it('holds a bounded amount of state however long it runs', () => {
    const evaluator = new LagEvaluator({ windowSize: 5, historyPoints: 16, forgetAfterPolls: 2 });
    for (let poll = 0; poll < 2_000; poll += 1) {
      // A rotating set of groups: each lives for 10 polls.
      const groups = [0, 1, 2].map((k) => kafkaReading({ group: `g${Math.floor(poll / 10) + k}`, partitions: [{ partition: 0, committed: poll * 3, logEnd: poll * 5 }] }));
      evaluator.evaluate('s', groups, poll * 1_000);
      expect(evaluator.trackedPartitions).toBeLessThanOrEqual(6);
    }
  });

  it('skips malformed readings and partitions instead of throwing', () => {
    const evaluator = new LagEvaluator();
    const readings = [
      null,
      { system: 'kafka', cluster: 'default', group: 'x', destination: 't', members: Number.NaN, partitions: 'nope' },
      { system: 'smtp', cluster: 'default', group: 'y', destination: 't', members: 1, partitions: [] },
      kafkaReading({ group: 'ok', partitions: [{ partition: 0, committed: 1, logEnd: 2 }] }),
      { system: 'kafka', cluster: 'default', group: 'z', destination: 't', members: 1, partitions: [null, { partition: -1, offsets: { logStart: 0, logEnd: 1 } }, { partition: 1.5 }, { partition: 2 }] },
    ] as unknown as GroupReading[];
    const result = evaluator.evaluate('s', readings, 1_000);
    expect(result.samples.map((s) => s.group)).toEqual(['ok']);
    expect(result.groups.map((g) => [g.group, g.members, g.status, g.reason])).toEqual([
      ['x', 0, 'OK', 'no partitions reported'],
      ['ok', 1, 'OK', 'collecting samples (1 of 3)'],
      ['z', 1, 'OK', 'no partitions reported'],
    ]);
    expect(evaluator.evaluate('s', readings, Number.NaN)).toEqual({ samples: [], groups: [] });
    expect(evaluator.evaluate('s', undefined as unknown as GroupReading[], 2_000)).toEqual({ samples: [], groups: [] });
  });

  it('counts a partition listed twice in one poll once', () => {
    const evaluator = new LagEvaluator();
    const twice = kafkaReading({ partitions: [{ partition: 0, committed: 1, logEnd: 5 }, { partition: 0, committed: 3, logEnd: 5 }] });
    const result = evaluator.evaluate('s', [twice], 1_000);
    expect(result.samples).toHaveLength(1);
    expect(result.samples[0]?.lag).toBe(4);
  });

  it('restarts a partition’s window when the clock goes backwards', () => {
    const evaluator = new LagEvaluator();
    const reading = kafkaReading({ members: 0, partitions: [{ partition: 0, committed: 1, logEnd: 5 }] });
    for (const at of [10_000, 20_000, 30_000]) evaluator.evaluate('s', [reading], at);
    expect(evaluator.evaluate('s', [reading], 40_000).groups[0]?.status).toBe('STOP');
    expect(evaluator.evaluate('s', [reading], 5_000).groups[0]?.reason).toBe('collecting samples (1 of 3)');
  });
});
