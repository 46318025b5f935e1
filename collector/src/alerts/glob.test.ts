import { describe, expect, it } from 'vitest';
import { scopeMatches } from './glob.js';

describe('scopeMatches', () => {
  it('needs every glob of the scope to match; missing ones match all', () => {
    expect(scopeMatches({}, 'default', 'g', 'd')).toBe(true);
    expect(scopeMatches({ group: 'g*', destination: 'orders' }, 'default', 'g1', 'orders')).toBe(true);
    expect(scopeMatches({ group: 'g*', destination: 'orders' }, 'default', 'g1', 'payments')).toBe(false);
    expect(scopeMatches({ cluster: 'eu-*' }, 'us-1', 'g', 'd')).toBe(false);
  });
});
