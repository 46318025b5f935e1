import { describe, expect, it } from 'vitest';
import { SpanKeyMap } from './span-key-map.js';

const TRACE_A = 'a'.repeat(32);
const TRACE_B = 'b'.repeat(32);
const SPAN_1 = '1'.repeat(16);
const SPAN_2 = '2'.repeat(16);

describe('SpanKeyMap', () => {
  it('keys on both ids: the same span id in two traces is two entries', () => {
    const map = new SpanKeyMap<string>();
    map.set(TRACE_A, SPAN_1, 'a1');
    map.set(TRACE_B, SPAN_1, 'b1');
    expect(map.get(TRACE_A, SPAN_1)).toBe('a1');
    expect(map.get(TRACE_B, SPAN_1)).toBe('b1');
    expect(map.get(TRACE_A, SPAN_2)).toBeUndefined();
    expect(map.has(TRACE_B, SPAN_2)).toBe(false);
    expect([...map.values()]).toHaveLength(2);
  });

  it('set replaces and add keeps the first value, one entry per key either way', () => {
    const map = new SpanKeyMap<string>();
    expect(map.add(TRACE_A, SPAN_1, 'first')).toBe(true);
    expect(map.add(TRACE_A, SPAN_1, 'second')).toBe(false);
    expect(map.get(TRACE_A, SPAN_1)).toBe('first');
    map.set(TRACE_A, SPAN_1, 'third');
    expect(map.get(TRACE_A, SPAN_1)).toBe('third');
    expect([...map.values()]).toEqual(['third']);
  });

  it('lists every value grouped by trace, traces in the order first set', () => {
    const map = new SpanKeyMap<string>();
    map.set(TRACE_A, SPAN_1, 'a1');
    map.set(TRACE_B, SPAN_1, 'b1');
    map.set(TRACE_A, SPAN_2, 'a2');
    expect([...map.values()]).toEqual(['a1', 'a2', 'b1']);
  });
});
