import { describe, expect, it } from 'vitest';
import type { LagSample, LagStatus } from '../types.js';
import { LagDownsampler } from './downsampler.js';

function sample(at: number, lag: number, extra: Partial<LagSample> = {}): LagSample {
  return { at, resolutionMs: 0, system: 'kafka', cluster: 'default', group: 'billing', destination: 'orders', partition: 0, lag, members: 1, status: 'OK', ...extra };
}

describe('LagDownsampler', () => {
  it('rolls a bucket up: max lag and lag seconds, worst status, latest counters, bucket start as time', () => {
    const downsampler = new LagDownsampler(60_000);
    downsampler.add([
      sample(60_000, 10, { lagSeconds: 3, drainSeconds: 8, position: 100, logEnd: 110, status: 'OK' }),
      sample(80_000, 50, { lagSeconds: 9, drainSeconds: 30, position: 105, logEnd: 155, status: 'STOP' }),
      sample(100_000, 20, { lagSeconds: 4, position: 140, logEnd: 160, status: 'WARN', members: 0 }),
    ]);
    expect(downsampler.flush(119_999)).toEqual([]);
    const [bucket, ...rest] = downsampler.flush(120_000);
    expect(rest).toEqual([]);
    expect(bucket).toEqual({
      at: 60_000,
      resolutionMs: 60_000,
      system: 'kafka',
      cluster: 'default',
      group: 'billing',
      destination: 'orders',
      partition: 0,
      lag: 50,
      lagSeconds: 9,
      position: 140,
      logEnd: 160,
      members: 0,
      status: 'STOP',
    });
    expect(downsampler.openBuckets).toBe(0);
  });

  it('keeps partitions and buckets apart and hands each closed bucket out once, oldest first', () => {
    const downsampler = new LagDownsampler(10_000);
    downsampler.add([sample(1_000, 1), sample(1_000, 2, { partition: 1 }), sample(12_000, 3), sample(25_000, 4)]);
    const closed = downsampler.flush(20_000);
    expect(closed.map((s) => [s.at, s.partition, s.lag])).toEqual([
      [0, 0, 1],
      [0, 1, 2],
      [10_000, 0, 3],
    ]);
    expect(downsampler.flush(20_000)).toEqual([]);
    expect(downsampler.flush(30_000).map((s) => s.lag)).toEqual([4]);
  });

  it('drops samples for a bucket already flushed rather than emitting a partial duplicate', () => {
    const downsampler = new LagDownsampler(10_000);
    downsampler.add([sample(5_000, 7)]);
    expect(downsampler.flush(10_000)).toHaveLength(1);
    downsampler.add([sample(9_000, 99)]);
    expect(downsampler.droppedSamples).toBe(1);
    expect(downsampler.flush(100_000)).toEqual([]);
  });

  it('takes the worst status of the bucket whatever the order', () => {
    const order: LagStatus[] = ['STALL', 'OK', 'REWIND', 'WARN'];
    const downsampler = new LagDownsampler(10_000);
    downsampler.add(order.map((status, i) => sample(i * 1_000, 1, { status })));
    expect(downsampler.flush(10_000)[0]?.status).toBe('STALL');
  });

  it('caps open buckets and counts what it had to drop', () => {
    const downsampler = new LagDownsampler(10_000, { maxOpenBuckets: 3 });
    downsampler.add([0, 1, 2, 3, 4].map((partition) => sample(1_000, partition, { partition })));
    expect(downsampler.openBuckets).toBe(3);
    expect(downsampler.droppedSamples).toBe(2);
    // Folding into an existing bucket still works at the cap.
    downsampler.add([sample(2_000, 50, { partition: 0 })]);
    expect(downsampler.flush(10_000).map((s) => s.lag)).toEqual([50, 1, 2]);
  });

  it('rejects a nonsensical bucket width', () => {
    expect(() => new LagDownsampler(0)).toThrow(RangeError);
  });
});
