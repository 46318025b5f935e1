import { describe, expect, it } from 'vitest';
import { newEventId } from './event-identity.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The Unix time in milliseconds a UUIDv7 starts with. */
function millisOf(id: string): number {
  return Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}

describe('newEventId', () => {
  it('makes UUIDv7 ids that carry the time they were made, so ids of a later millisecond sort later', async () => {
    const before = Date.now();
    const ids: string[] = [];
    for (let i = 0; i < 2_000; i++) {
      ids.push(newEventId());
      // Spread over a few milliseconds, so the order is checked across time as well as within one.
      if (i % 500 === 499) await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const after = Date.now();

    for (const id of ids) {
      expect(id).toMatch(UUID_V7);
      expect(millisOf(id)).toBeGreaterThanOrEqual(before);
      expect(millisOf(id)).toBeLessThanOrEqual(after);
    }
    expect(new Set(ids).size).toBe(ids.length);
    // Within a millisecond the order is random (RFC 9562 allows it); across milliseconds it is time order.
    const sorted = [...ids].sort();
    expect(sorted.map(millisOf)).toStrictEqual(ids.map(millisOf));
    expect(millisOf(ids.at(-1)!)).toBeGreaterThan(millisOf(ids[0]!));
  });
});
