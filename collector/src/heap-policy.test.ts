import { describe, expect, it } from 'vitest';
import { applyHeapPolicy, HEAP_GROWING_PERCENT } from './heap-policy.js';

describe('applyHeapPolicy', () => {
  it('sets a fixed heap growing factor when the user set no heap flag', () => {
    expect(applyHeapPolicy([], '')).toBe(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
    expect(applyHeapPolicy(['--enable-source-maps'], '--no-warnings')).toBe(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  });

  it('leaves the heap alone when the user chose a heap flag, on the command line or in NODE_OPTIONS', () => {
    expect(applyHeapPolicy(['--max-old-space-size=512'], '')).toBeUndefined();
    expect(applyHeapPolicy([], '--no-warnings --heap-growing-percent=100')).toBeUndefined();
    expect(applyHeapPolicy([], '--max-heap-size=1024')).toBeUndefined();
  });
});
