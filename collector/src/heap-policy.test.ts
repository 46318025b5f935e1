import { describe, expect, it } from 'vitest';
import { applyHeapPolicy, HEAP_GROWING_PERCENT } from './heap-policy.js';

describe('applyHeapPolicy', () => {
  it("sets a fixed heap growing factor, the store's, when the user set no heap flag", () => {
    expect(applyHeapPolicy('sqlite', [], {})).toBe('--heap-growing-percent=50');
    expect(applyHeapPolicy('elasticsearch', [], {})).toBe('--heap-growing-percent=100');
    expect(HEAP_GROWING_PERCENT).toEqual({ sqlite: 50, elasticsearch: 100 });
    expect(applyHeapPolicy('sqlite', ['--enable-source-maps'], { NODE_OPTIONS: '--no-warnings' })).toBe('--heap-growing-percent=50');
  });

  it('leaves the heap alone when the user chose a heap flag, on the command line or in NODE_OPTIONS', () => {
    expect(applyHeapPolicy('sqlite', ['--max-old-space-size=512'], {})).toBeUndefined();
    expect(applyHeapPolicy('sqlite', ['--heap-growing-percent=100'], {})).toBeUndefined();
    expect(applyHeapPolicy('sqlite', [], { NODE_OPTIONS: '--no-warnings --max-old-space-size=1024' })).toBeUndefined();
  });

  it('takes the percentage from CAUSEWAY_HEAP_GROWING_PERCENT, 0 leaving growth to V8, and refuses nonsense', () => {
    expect(applyHeapPolicy('sqlite', [], { CAUSEWAY_HEAP_GROWING_PERCENT: '80' })).toBe('--heap-growing-percent=80');
    expect(applyHeapPolicy('sqlite', [], { CAUSEWAY_HEAP_GROWING_PERCENT: '0' })).toBeUndefined();
    expect(() => applyHeapPolicy('sqlite', [], { CAUSEWAY_HEAP_GROWING_PERCENT: 'lots' })).toThrow(/CAUSEWAY_HEAP_GROWING_PERCENT must be a whole number/);
    expect(() => applyHeapPolicy('sqlite', [], { CAUSEWAY_HEAP_GROWING_PERCENT: '-5' })).toThrow(/got "-5"/);
  });
});
