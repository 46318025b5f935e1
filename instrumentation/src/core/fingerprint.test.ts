import { describe, expect, it } from 'vitest';
import { errorFingerprint, normaliseErrorMessage } from './fingerprint.js';

describe('error fingerprints', () => {
  it.each([
    ['order 12345 not found', 'order <n> not found'],
    ['user 3f2b1c4e-9d8a-4b7c-a1e2-0f9e8d7c6b5a is locked', 'user <uuid> is locked'],
    ['timeout after 30.5s at 2026-11-24T01:02:03.456Z', 'timeout after <n>s at <time>'],
    ['bad object 5f1d2c3b4a9e8d7c in cache', 'bad object <hex> in cache'],
    ['cannot parse "abc-17" as int', 'cannot parse <str> as int'],
    ['mail to a.b+c@example.co.uk bounced', 'mail to <email> bounced'],
    ['  many   spaces\nand lines ', 'many spaces and lines'],
  ])('normalises %j', (message, expected) => {
    expect(normaliseErrorMessage(message)).toBe(expected);
  });

  it('keeps short words made of hex letters (e.g. "bad", "face") as they are', () => {
    expect(normaliseErrorMessage('bad face cafe')).toBe('bad face cafe');
  });

  it('gives failures that differ only in ids one fingerprint, and different errors different ones', () => {
    const a = errorFingerprint('NotFound', 'order 1 not found');
    expect(errorFingerprint('NotFound', 'order 99 not found')).toBe(a);
    expect(errorFingerprint('Timeout', 'order 1 not found')).not.toBe(a);
    expect(errorFingerprint('NotFound', 'customer 1 not found')).not.toBe(a);
    expect(a).toMatch(/^[0-9a-f]{16}$/);
  });
});
