import { describe, expect, it } from 'vitest';
import { describeDuration, formatDuration, parseDuration } from './duration.js';
import { RuleError } from './errors.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['0s', 0],
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1d', 86_400_000],
    ['90s', 90_000],
  ])('reads %s as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '5', '5 m', '1.5h', '-1s', '5w', 'ms', '1m30s', '99999999999999d'])('refuses %j with a RuleError that shows the expected form', (text) => {
    expect(() => parseDuration(text)).toThrow(RuleError);
    expect(() => parseDuration(text)).toThrow(/500ms, 30s, 5m, 1h or 1d|too long/);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [500, '500ms'],
    [1_500, '1500ms'],
    [30_000, '30s'],
    [90_000, '90s'],
    [300_000, '5m'],
    [3_600_000, '1h'],
    [5_400_000, '90m'],
    [172_800_000, '2d'],
  ])('writes %d ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('is the inverse of parseDuration', () => {
    for (const text of ['250ms', '45s', '7m', '36h', '3d']) expect(formatDuration(parseDuration(text))).toBe(text);
  });

  it('never answers with a negative or fractional duration', () => {
    expect(formatDuration(-5)).toBe('0s');
    expect(formatDuration(Number.NaN)).toBe('0s');
    expect(formatDuration(1_000.4)).toBe('1s');
  });
});

describe('describeDuration', () => {
  it.each([
    [0, '0s'],
    [44_600, '45s'],
    [120_000, '2m'],
    [95_000, '1m35s'],
    [11_100_000, '3h5m'],
    [3_605_000, '1h'],
    [187_200_000, '2d4h'],
  ])('words %d ms as %s', (ms, text) => {
    expect(describeDuration(ms)).toBe(text);
  });
});
