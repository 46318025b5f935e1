import { afterEach, describe, expect, it, vi } from 'vitest';
import { TimeOrderedIdGenerator } from './time-ordered-ids.js';

describe('TimeOrderedIdGenerator', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('makes 32-hex trace ids whose first 8 digits are the time in seconds', () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 10, 25, 8, 0, 0, 750) });
    const id = new TimeOrderedIdGenerator().generateTraceId();
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(parseInt(id.slice(0, 8), 16)).toBe(Date.UTC(2026, 10, 25, 8, 0, 0) / 1000);
  });

  it('sorts trace ids of a later second after those of an earlier one', () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 10, 25, 8, 0, 0, 999) });
    const generator = new TimeOrderedIdGenerator();
    const earlier = Array.from({ length: 50 }, () => generator.generateTraceId());
    vi.setSystemTime(Date.UTC(2026, 10, 25, 8, 0, 1, 0));
    const later = Array.from({ length: 50 }, () => generator.generateTraceId());
    expect(later.every((id) => earlier.every((before) => id > before))).toBe(true);
  });

  it('keeps the rest of the trace id random: unique within one second, varied in every digit', () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 10, 25, 8, 0, 0) });
    const generator = new TimeOrderedIdGenerator();
    const ids = Array.from({ length: 5000 }, () => generator.generateTraceId());
    expect(new Set(ids).size).toBe(ids.length);
    for (let position = 8; position < 32; position++) {
      expect(new Set(ids.map((id) => id[position])).size).toBeGreaterThan(8);
    }
  });

  it('makes random 16-hex span ids, not time-ordered', () => {
    const generator = new TimeOrderedIdGenerator();
    const ids = Array.from({ length: 2000 }, () => generator.generateSpanId());
    expect(ids.every((id) => /^[0-9a-f]{16}$/.test(id) && !/^0+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids.map((id) => id[0])).size).toBeGreaterThan(8);
  });
});
