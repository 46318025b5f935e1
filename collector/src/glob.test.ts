import { describe, expect, it } from 'vitest';
import { matchesGlob } from './glob.js';

describe('matchesGlob', () => {
  it.each([
    [undefined, 'anything', true],
    ['*', '', true],
    ['orders', 'orders', true],
    ['orders', 'orders-eu', false],
    ['orders*', 'orders-eu', true],
    ['orders*', 'order', false],
    ['*-svc', 'billing-svc', true],
    ['*-svc', 'billing-svc-2', false],
    ['a*b*c', 'aXXbYYc', true],
    ['a*b*c', 'aXXbYY', false],
    ['?rders', 'orders', true],
    ['?rders', 'rders', false],
    ['replay-??', 'replay-01', true],
    ['replay-??', 'replay-1', false],
    ['**', 'x', true],
    ['*.dlq', 'shop/orders.dlq', true],
    ['Orders', 'orders', false],
    ['[a]', '[a]', true],
    ['a.b', 'aXb', false],
  ])('glob %j against %j → %s', (glob, value, expected) => {
    expect(matchesGlob(glob, value)).toBe(expected);
  });

  it('answers patterns that make naive backtracking explode (exponential matching would outlive the test timeout)', () => {
    expect(matchesGlob(`${'*a'.repeat(30)}b`, 'a'.repeat(5_000))).toBe(false);
  });

  it('matches ? to one character, also outside the basic plane, and * across newlines', () => {
    expect(matchesGlob('q?', 'q😀')).toBe(true);
    expect(matchesGlob('q*\nx', 'q1\n2\nx')).toBe(true);
  });
});
