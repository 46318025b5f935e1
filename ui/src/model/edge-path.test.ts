import { describe, expect, it } from 'vitest';
import { roundedPolylinePath } from './edge-path';

describe('roundedPolylinePath', () => {
  it('draws a straight edge as one line', () => {
    expect(roundedPolylinePath([{ x: 0, y: 10 }, { x: 100, y: 10 }])).toBe('M 0 10 L 100 10');
  });

  it('rounds each bend with a curve whose control point is the bend', () => {
    const path = roundedPolylinePath([{ x: 0, y: 0 }, { x: 50, y: 0 }, { x: 50, y: 40 }, { x: 100, y: 40 }], 8);
    expect(path).toBe('M 0 0 L 42 0 Q 50 0 50 8 L 50 32 Q 50 40 58 40 L 100 40');
  });

  it('uses a smaller radius where a segment is too short for two full ones', () => {
    const path = roundedPolylinePath([{ x: 0, y: 0 }, { x: 20, y: 0 }, { x: 20, y: 6 }, { x: 60, y: 6 }], 8);
    expect(path).toBe('M 0 0 L 17 0 Q 20 0 20 3 L 20 3 Q 20 6 23 6 L 60 6');
  });

  it('draws nothing for no points', () => {
    expect(roundedPolylinePath([])).toBe('');
  });
});
