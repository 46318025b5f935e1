import { describe, expect, it } from 'vitest';
import { formatDuration, formatPercent, formatTimestamp } from './format';

describe('formatDuration', () => {
  it('picks a unit by magnitude', () => {
    expect(formatDuration(0.25)).toBe('0.25 ms');
    expect(formatDuration(4.56)).toBe('4.6 ms');
    expect(formatDuration(245.4)).toBe('245 ms');
    expect(formatDuration(1530)).toBe('1.53 s');
    expect(formatDuration(42_000)).toBe('42.0 s');
    expect(formatDuration(125_000)).toBe('2m 5s');
  });
  it('keeps the sign of negative durations (clock skew between services)', () => {
    expect(formatDuration(-12)).toBe('−12 ms');
  });
  it('shows a dash for non-finite values', () => {
    expect(formatDuration(Number.NaN)).toBe('–');
  });
});

describe('formatPercent', () => {
  it('rounds by magnitude and marks tiny non-zero rates', () => {
    expect(formatPercent(0)).toBe('0%');
    expect(formatPercent(0.0004)).toBe('<0.1%');
    expect(formatPercent(0.0525)).toBe('5.3%');
    expect(formatPercent(0.5)).toBe('50%');
  });
});

describe('formatTimestamp', () => {
  it('formats in local time with milliseconds and passes through what it cannot parse', () => {
    const iso = new Date(2025, 0, 15, 9, 5, 7, 12).toISOString();
    expect(formatTimestamp(iso)).toBe('2025-01-15 09:05:07.012');
    expect(formatTimestamp(null)).toBe('–');
    expect(formatTimestamp('not a time')).toBe('not a time');
  });
});
