import { describe, expect, it } from 'vitest';
import { LagEvaluator } from './evaluator.js';
import { queueReading, statusesOf } from './testing/readings.js';

describe('LagEvaluator: queues with counters (management API, in-process broker)', () => {
  it('lag is ready + unacked, position the ack count; a paused consumer goes WARN then STOP, then OK', () => {
    const readings = [];
    let acked = 0;
    let ready = 0;
    for (let i = 0; i < 30; i += 1) {
      const consuming = i < 10 || i >= 22;
      const published = 20;
      if (consuming) {
        const backlog = ready + published;
        const take = i >= 22 ? Math.min(backlog, 60) : Math.max(0, backlog - 1);
        acked += take;
        ready = backlog - take;
      } else {
        ready += published;
      }
      readings.push({ at: i * 1_000, reading: queueReading({ queue: { ready, unacked: consuming ? 1 : 0, acked, delivered: acked + 1 } }) });
    }
    const statuses = statusesOf(new LagEvaluator({ windowSize: 6 }), readings);
    const names = statuses.map((g) => g.status);
    expect(names.slice(0, 10)).not.toContain('STOP');
    const paused = names.slice(10, 22);
    expect(paused.indexOf('WARN')).toBeGreaterThanOrEqual(0);
    expect(paused.indexOf('STOP')).toBeGreaterThan(paused.indexOf('WARN'));
    expect(names.slice(22)).not.toContain('STOP');
    expect(names.at(-1)).toBe('OK');
    const stopped = statuses[20];
    expect(stopped?.reason).toMatch(/^emails: no progress for \d+ s while [\d,]+ messages wait$/);
    expect(stopped?.partitions[0]).toMatchObject({ destination: 'emails', partition: 0 });
  });

  it('an ack counter that resets (broker restart) is not REWIND', () => {
    const readings = [500, 520, 3, 20, 40].map((acked, i) => ({ at: i * 1_000, reading: queueReading({ queue: { ready: 5, unacked: 1, acked } }) }));
    const statuses = statusesOf(new LagEvaluator({ windowSize: 5 }), readings);
    expect(statuses.map((g) => g.status)).not.toContain('REWIND');
  });

  it('deliveries without acknowledgements are STALL', () => {
    const readings = [0, 1, 2, 3].map((i) => ({ at: i * 1_000, reading: queueReading({ queue: { ready: 0, unacked: 10, acked: 100, delivered: 110 + i * 10 } }) }));
    const statuses = statusesOf(new LagEvaluator(), readings);
    expect(statuses.at(-1)?.status).toBe('STALL');
  });

  it('lag in seconds is the head message age when known, else interpolated over published counts', () => {
    const withHead = new LagEvaluator();
    const result = withHead.evaluate('rabbit', [queueReading({ queue: { ready: 3, unacked: 0, headPublishedAt: 40_000 } })], 100_000);
    expect(result.samples[0]?.lagSeconds).toBe(60);
    const clockSkew = withHead.evaluate('rabbit', [queueReading({ queue: { ready: 3, unacked: 0, headPublishedAt: 200_000 } })], 101_000);
    expect(clockSkew.samples[0]?.lagSeconds).toBe(0);

    // 2 messages per second published from t = 0; the consumer stops after acking 40 (message 40 came at 20.5 s).
    const counted = new LagEvaluator();
    let last;
    for (let second = 0; second <= 60; second += 10) {
      const published = second * 2;
      const acked = Math.min(published, 40);
      last = counted.evaluate('rabbit', [queueReading({ queue: { ready: published - acked, unacked: 0, acked } })], second * 1000);
    }
    expect(last?.samples[0]?.lag).toBe(80);
    expect(last?.samples[0]?.position).toBe(40);
    expect(last?.samples[0]?.lagSeconds).toBeCloseTo(39.5, 6);
  });

  it('a caught-up queue has 0 s of lag and 0 s to drain', () => {
    const result = new LagEvaluator().evaluate('rabbit', [queueReading({ queue: { ready: 0, unacked: 0, acked: 7, headPublishedAt: 1 } })], 10_000);
    expect(result.samples[0]).toMatchObject({ lag: 0, lagSeconds: 0, drainSeconds: 0, position: 7, ready: 0, unacked: 0, status: 'OK' });
  });
});

describe('LagEvaluator: queues without counters (AMQP passive declare)', () => {
  it('has no position, no lag in seconds and no drain time, and STOPs when ready only grows', () => {
    const readings = [0, 1, 2, 3].map((i) => ({ at: i * 10_000, reading: queueReading({ members: 1, queue: { ready: 10 + i * 5, unacked: 2 } }) }));
    const evaluator = new LagEvaluator();
    const statuses = statusesOf(evaluator, readings);
    expect(statuses.map((g) => g.status)).toEqual(['OK', 'OK', 'STOP', 'STOP']);
    expect(statuses[3]?.reason).toBe('emails: no progress for 30 s while 27 messages wait (ready never dropped)');
    const sample = evaluator.evaluate('test', [readings[3]!.reading], 40_000).samples[0];
    expect(sample?.position).toBeUndefined();
    expect(sample?.lagSeconds).toBeUndefined();
    expect(sample?.drainSeconds).toBeUndefined();
  });

  it('a steady backlog with consumers is OK; the same backlog with no consumers is STOP', () => {
    const steady = [0, 1, 2, 3].map((i) => ({ at: i * 10_000, reading: queueReading({ members: 2, queue: { ready: 4, unacked: 8 } }) }));
    expect(statusesOf(new LagEvaluator(), steady).at(-1)?.status).toBe('OK');
    const abandoned = [0, 1, 2, 3].map((i) => ({ at: i * 10_000, reading: queueReading({ members: 0, queue: { ready: 4, unacked: 0 } }) }));
    const status = statusesOf(new LagEvaluator(), abandoned).at(-1);
    expect(status?.status).toBe('STOP');
    expect(status?.reason).toMatch(/and no consumers$/);
  });

  it('an idle, empty queue is OK forever', () => {
    const idle = Array.from({ length: 100 }, (_, i) => ({ at: i * 10_000, reading: queueReading({ members: 0, queue: { ready: 0, unacked: 0 } }) }));
    expect(new Set(statusesOf(new LagEvaluator(), idle).map((g) => g.status))).toEqual(new Set(['OK']));
  });
});
