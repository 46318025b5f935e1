import { describe, expect, it } from 'vitest';
import { matchesGlob, scopeMatches } from './glob.js';

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

  it('stays fast on patterns that make naive backtracking explode', () => {
    const value = 'a'.repeat(5_000);
    const started = performance.now();
    expect(matchesGlob(`${'*a'.repeat(30)}b`, value)).toBe(false);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('scopeMatches', () => {
  it('needs every glob of the scope to match; missing ones match all', () => {
    expect(scopeMatches({}, 'default', 'g', 'd')).toBe(true);
    expect(scopeMatches({ group: 'g*', destination: 'orders' }, 'default', 'g1', 'orders')).toBe(true);
    expect(scopeMatches({ group: 'g*', destination: 'orders' }, 'default', 'g1', 'payments')).toBe(false);
    expect(scopeMatches({ cluster: 'eu-*' }, 'us-1', 'g', 'd')).toBe(false);
  });
});
