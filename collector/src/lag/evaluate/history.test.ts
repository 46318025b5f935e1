import { describe, expect, it } from 'vitest';
import { ProducedHistory } from './history.js';

describe('ProducedHistory', () => {
  it('interpolates the produce time of a position between the points around it', () => {
    const history = new ProducedHistory(360);
    // 10 messages per second from t = 0: message k is written at (k + 1) × 100 ms.
    history.record(0, 0);
    history.record(10_000, 100);
    history.record(20_000, 200);
    expect(history.producedAt(49)).toBeCloseTo(5_000, 6);
    expect(history.producedAt(149)).toBeCloseTo(15_000, 6);
    expect(history.producedAt(199)).toBeCloseTo(20_000, 6);
  });

  it('has no produce time for a position at or past the log end', () => {
    const history = new ProducedHistory(360);
    history.record(0, 10);
    expect(history.producedAt(10)).toBeUndefined();
    expect(history.producedAt(11)).toBeUndefined();
    expect(new ProducedHistory(10).producedAt(0)).toBeUndefined();
  });

  it('answers the oldest point for a position older than the history (a lower bound)', () => {
    const history = new ProducedHistory(360);
    history.record(5_000, 100);
    history.record(6_000, 110);
    expect(history.producedAt(3)).toBe(5_000);
  });

  it('keeps a flat stretch as two points, so new messages after a long idle time are dated recently', () => {
    const history = new ProducedHistory(360);
    history.record(0, 0);
    history.record(10_000, 100);
    for (let t = 20_000; t <= 1_000_000; t += 10_000) history.record(t, 100);
    history.record(1_010_000, 110);
    expect(history.length).toBe(4);
    // Message 100 was written during the last 10 s, not somewhere over the idle 990 s.
    expect(history.producedAt(100)).toBeCloseTo(1_001_000, 6);
  });

  it('starts over when the end goes backwards (topic recreated, counters reset)', () => {
    const history = new ProducedHistory(360);
    history.record(0, 500);
    history.record(10_000, 600);
    history.record(20_000, 5);
    expect(history.length).toBe(1);
    expect(history.producedAt(0)).toBe(20_000);
  });

  it('merges two readings of the same poll, keeping the higher end', () => {
    const history = new ProducedHistory(360);
    history.record(0, 0);
    history.record(1_000, 10);
    history.record(1_000, 12);
    history.record(1_000, 11);
    expect(history.length).toBe(2);
    expect(history.producedAt(11)).toBeCloseTo(1_000, 6);
  });

  it('never holds more than maxPoints, keeps the first point and stays accurate for recent positions', () => {
    const history = new ProducedHistory(20);
    for (let i = 0; i <= 1_000; i += 1) history.record(i * 1_000, i * 10);
    expect(history.length).toBeLessThanOrEqual(20);
    // Message 0 was written between the first two points (0, 0) and (1 s, 10): kept, not thinned.
    expect(history.producedAt(0)).toBeCloseTo(100, 6);
    // Uniform production: interpolation stays exact wherever the points are.
    expect(history.producedAt(9_995)).toBeCloseTo(999_600, 6);
    expect(history.producedAt(5_004)).toBeCloseTo(500_500, 6);
  });
});
