import { describe, expect, it } from 'vitest';
import { applyHeapPolicy, HEAP_GROWING_PERCENT } from './heap-policy.js';

describe('applyHeapPolicy', () => {
  it('sets a fixed heap growing factor when the user set no heap flag', () => {
    expect(applyHeapPolicy([], {})).toBe(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
    expect(applyHeapPolicy(['--enable-source-maps'], { NODE_OPTIONS: '--no-warnings' })).toBe(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  });

  it('leaves the heap alone when the user chose a heap flag, on the command line or in NODE_OPTIONS', () => {
    expect(applyHeapPolicy(['--max-old-space-size=512'], {})).toBeUndefined();
    expect(applyHeapPolicy(['--heap-growing-percent=100'], {})).toBeUndefined();
    expect(applyHeapPolicy([], { NODE_OPTIONS: '--no-warnings --max-old-space-size=1024' })).toBeUndefined();
  });

  it('takes the percentage from CAUSEWAY_HEAP_GROWING_PERCENT, 0 leaving growth to V8, and refuses nonsense', () => {
    expect(applyHeapPolicy([], { CAUSEWAY_HEAP_GROWING_PERCENT: '80' })).toBe('--heap-growing-percent=80');
    expect(applyHeapPolicy([], { CAUSEWAY_HEAP_GROWING_PERCENT: '0' })).toBeUndefined();
    expect(() => applyHeapPolicy([], { CAUSEWAY_HEAP_GROWING_PERCENT: 'lots' })).toThrow(/CAUSEWAY_HEAP_GROWING_PERCENT must be a whole number/);
    expect(() => applyHeapPolicy([], { CAUSEWAY_HEAP_GROWING_PERCENT: '-5' })).toThrow(/got "-5"/);
  });
});
