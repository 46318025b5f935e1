import { describe, expect, it } from 'vitest';
import { formatAlertValue, formatCount, formatDrain, formatLagSeconds } from './lag-format';

describe('formatCount', () => {
  it('separates thousands', () => {
    expect(formatCount(1204)).toBe('1,204');
    expect(formatCount(0)).toBe('0');
    expect(formatCount(12_345_678)).toBe('12,345,678');
  });
});

describe('formatLagSeconds', () => {
  it('says lag the way people do, two units at most', () => {
    expect(formatLagSeconds(252)).toBe('4 m 12 s');
    expect(formatLagSeconds(45)).toBe('45 s');
    expect(formatLagSeconds(0.44)).toBe('0.4 s');
    expect(formatLagSeconds(0)).toBe('0 s');
    expect(formatLagSeconds(60)).toBe('1 m');
    expect(formatLagSeconds(3_600 + 5 * 60 + 9)).toBe('1 h 5 m');
    expect(formatLagSeconds(3 * 86_400 + 4 * 3_600 + 59)).toBe('3 d 4 h');
  });

  it('shows a dash when the age is unknown', () => {
    expect(formatLagSeconds(null)).toBe('–');
    expect(formatLagSeconds(undefined)).toBe('–');
    expect(formatLagSeconds(Number.NaN)).toBe('–');
  });
});

describe('formatDrain', () => {
  it('tells caught up, not draining and an estimate apart', () => {
    expect(formatDrain(null, 0)).toBe('caught up');
    expect(formatDrain(null, 120)).toBe('not draining');
    expect(formatDrain(95, 120)).toBe('1 m 35 s');
  });
});

describe('formatAlertValue', () => {
  it('writes values in the unit of the metric', () => {
    expect(formatAlertValue('lag_messages', 1500)).toBe('1,500 messages');
    expect(formatAlertValue('lag_seconds', 90)).toBe('1 m 30 s');
    expect(formatAlertValue('status', 'STOP')).toBe('STOP');
  });
});
