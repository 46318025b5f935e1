import { describe, expect, it } from 'vitest';
import { outageLeftMs } from './services.js';

describe('the demo warehouse outage', () => {
  const outage = { afterMs: 60_000, forMs: 150_000, everyMs: 600_000 };

  it.each([
    [0, 0],
    [59_999, 0],
    [60_000, 150_000],
    [120_000, 90_000],
    [209_999, 1],
    [210_000, 0],
    [659_999, 0],
    [660_000, 150_000],
  ])('at %i ms after start leaves %i ms', (elapsed, left) => {
    expect(outageLeftMs(outage, elapsed)).toBe(left);
  });

  it('never happens without a schedule', () => {
    expect(outageLeftMs(undefined, 100_000)).toBe(0);
  });
});
