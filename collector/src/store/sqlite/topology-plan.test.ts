import { describe, expect, it } from 'vitest';
import { ERROR_OUTCOMES } from '../topology-math.js';
import { completeUntilAt, histogramPercentile, planRange, UNBOUNDED, type RangePlan } from './topology-plan.js';
import { ROLLUP_ERROR_OUTCOMES, ROLLUP_LEVELS_MS } from './topology-rollup-sql.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** How many parts of the plan count a record at `time`: raw edges, or the bucket holding it at a level. */
function timesCounted(plan: RangePlan, time: number, levels: readonly number[]): number {
  let count = 0;
  if (time >= plan.rawLeft.from && time < plan.rawLeft.to) count += 1;
  if (time >= plan.rawRight.from && time <= plan.rawRight.to) count += 1;
  if (time >= 0) {
    levels.forEach((size, i) => {
      // The trigger's bucket start: integer part minus its remainder.
      const start = Math.trunc(time) - (Math.trunc(time) % size);
      for (const slot of [plan.slots[2 * i], plan.slots[2 * i + 1]]) if (slot && start >= slot.from && start < slot.to) count += 1;
    });
  }
  return count;
}

describe('planRange', () => {
  const base = Date.UTC(2026, 0, 5);
  const levels = ROLLUP_LEVELS_MS;

  it('counts every time inside the range once and nothing outside, whatever the range', () => {
    let seed = 42;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const wrong: string[] = [];
    const spans = [0, 1, 500, MINUTE, 10 * MINUTE + 3, HOUR, 7 * HOUR + 0.5, 24 * HOUR, 3 * 24 * HOUR];
    for (let round = 0; round < 400; round += 1) {
      const from = base + Math.floor(random() * 48) * 10 * MINUTE + (round % 3 === 0 ? 0 : random() * 20 * MINUTE) - (round % 50 === 0 ? base + HOUR : 0);
      const to = from + (spans[round % spans.length] as number) + (round % 4 === 0 ? 0 : random() * MINUTE);
      const plan = planRange(from, to, levels);
      const probes = [from, to, from - 0.25, to + 0.25, from + 0.25, to - 0.25];
      for (let i = 0; i < 40; i += 1) probes.push(from + random() * (to - from));
      for (const size of levels) {
        for (const edge of [Math.ceil(from / size) * size, Math.floor(to / size) * size]) probes.push(edge - 0.5, edge, edge + 0.5);
      }
      for (const time of probes) {
        const expected = time >= from && time <= to ? 1 : 0;
        if (timesCounted(plan, time, levels) !== expected) wrong.push(`time ${time} in [${from}, ${to}]`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('reads a level only where it is complete, and still counts every time once', () => {
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const wrong: string[] = [];
    for (let round = 0; round < 300; round += 1) {
      const now = base + random() * 3 * 24 * HOUR;
      const completeUntil = completeUntilAt(now, levels, random() * 2 * HOUR);
      const from = now - random() * 2 * 24 * HOUR;
      const to = Math.min(now + HOUR, from + random() * 30 * HOUR);
      const plan = planRange(from, to, levels, completeUntil);
      levels.forEach((_, i) => {
        for (const slot of [plan.slots[2 * i], plan.slots[2 * i + 1]]) {
          if (slot && slot.from < slot.to && slot.to > (completeUntil[i] as number)) wrong.push(`level ${i} read past its bound in round ${round}`);
        }
      });
      const probes = [from, to];
      for (let i = 0; i < 40; i += 1) probes.push(from + random() * (to - from));
      for (const bound of completeUntil) if (bound !== UNBOUNDED) probes.push(bound - 0.5, bound, bound + 0.5);
      for (const time of probes) {
        const expected = time >= from && time <= to ? 1 : 0;
        if (timesCounted(plan, time, levels) !== expected) wrong.push(`time ${time} in [${from}, ${to}], round ${round}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('answers a long range from the coarsest buckets and reads raw only the partial minutes', () => {
    const from = base + 90 * MINUTE + 30_000;
    const plan = planRange(from, from + 24 * HOUR, levels);
    expect(plan.rawLeft).toEqual({ from, to: base + 91 * MINUTE });
    expect(plan.rawRight).toEqual({ from: base + 24 * HOUR + 90 * MINUTE, to: from + 24 * HOUR });
    const sixHours = plan.slots[2 * levels.indexOf(6 * HOUR)];
    expect(sixHours).toEqual({ from: base + 6 * HOUR, to: base + 24 * HOUR });
  });

  it('reads nothing for an empty or reversed range, and raw rows only when no bucket fits', () => {
    const reversed = planRange(base + 10, base, levels);
    expect([0, base, base + 10].map((time) => timesCounted(reversed, time, levels))).toEqual([0, 0, 0]);
    const short = planRange(base + 5, base + 20_000, levels);
    expect(short.slots.every((slot) => slot.from === slot.to)).toBe(true);
    expect(short.rawRight).toEqual({ from: base + 5, to: base + 20_000 });
  });
});

describe('completeUntilAt', () => {
  const levels = ROLLUP_LEVELS_MS;

  it('keeps the finest level whole and each coarser one complete up to a boundary behind the clock', () => {
    const now = Date.UTC(2026, 4, 3, 13, 47, 12);
    const bounds = completeUntilAt(now, levels, 15 * MINUTE);
    expect(bounds).toEqual([UNBOUNDED, Date.UTC(2026, 4, 3, 13, 30), Date.UTC(2026, 4, 3, 13), Date.UTC(2026, 4, 3, 12)]);
    bounds.forEach((bound, i) => {
      if (i > 0) {
        expect(bound % (levels[i] as number)).toBe(0);
        expect(bound).toBeLessThanOrEqual(bounds[i - 1] as number);
      }
    });
    expect(completeUntilAt(5 * MINUTE, levels, 15 * MINUTE)).toEqual([UNBOUNDED, 0, 0, 0]);
  });
});

describe('histogramPercentile', () => {
  it('returns the mean of the bucket holding the nearest rank', () => {
    const buckets = [
      { count: 2, sumUs: 2_000 },
      { count: 1, sumUs: 5_000 },
      { count: 97, sumUs: 97 * 40_000 },
    ];
    // Ranks: p1 → 1 (first bucket), p3 → 3 (second), p50 → 50 (third).
    expect(histogramPercentile(buckets, 100, 1)).toBe(1);
    expect(histogramPercentile(buckets, 100, 3)).toBe(5);
    expect(histogramPercentile(buckets, 100, 50)).toBe(40);
    expect(histogramPercentile([], 0, 50)).toBe(0);
  });
});

describe('rollup constants', () => {
  it('counts the same outcomes as errors as the Elasticsearch store', () => {
    expect([...ROLLUP_ERROR_OUTCOMES].sort()).toEqual([...ERROR_OUTCOMES].sort());
  });

  it('has levels that each divide the next', () => {
    for (let i = 1; i < ROLLUP_LEVELS_MS.length; i += 1) expect((ROLLUP_LEVELS_MS[i] as number) % (ROLLUP_LEVELS_MS[i - 1] as number)).toBe(0);
  });
});
