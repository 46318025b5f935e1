import { describe, expect, it } from 'vitest';
import { hotspotRow, hotspots } from './dead-letter-fixtures';
import { hotspotTableRows, sparklinePoints, trendLook } from './dead-letter-hotspots';

describe('trendLook', () => {
  it('calls a hotspot new when it only happened in the later half', () => {
    expect(trendLook(5, 5)).toMatchObject({ direction: 'new', rising: true, label: 'new' });
  });
  it('marks clear growth as rising and ignores noise', () => {
    expect(trendLook(13, 5)).toMatchObject({ direction: 'rising', rising: true, label: 'rising +5', description: '9 in the later half of the range, 4 in the earlier half' });
    expect(trendLook(101, 1)).toMatchObject({ direction: 'steady', rising: false });
    // +2 on 40: more than one message but not a quarter more.
    expect(trendLook(82, 2)).toMatchObject({ direction: 'steady', rising: false });
  });
  it('calls a shrinking hotspot fading', () => {
    expect(trendLook(12, -8)).toMatchObject({ direction: 'fading', rising: false, label: 'fading −8' });
  });
  it('survives inconsistent numbers', () => {
    expect(trendLook(0, 0).direction).toBe('steady');
    expect(trendLook(3, 9).rising).toBe(true);
  });
});

describe('hotspotTableRows', () => {
  const response = hotspots([
    hotspotRow({ fingerprint: 'aaa', group: 'audit' }, [1, 0, 0, 1]),
    hotspotRow({ fingerprint: 'bbb', group: 'billing' }, [0, 0, 20, 30]),
    hotspotRow({ fingerprint: 'ccc', group: '' }, [3, 3, 3, 3]),
  ]);

  it('ranks by count with one cell per grouped dimension', () => {
    const rows = hotspotTableRows(response);
    expect(rows.map((row) => [row.rank, row.fingerprint, row.count])).toEqual([
      [1, 'bbb', 50],
      [2, 'ccc', 12],
      [3, 'aaa', 2],
    ]);
    expect(rows[0]?.cells).toEqual([
      { dimension: 'fingerprint', label: 'Error fingerprint', value: 'bbb' },
      { dimension: 'group', label: 'Consumer group', value: 'billing' },
    ]);
    expect(rows[0]?.series).toEqual([0, 0, 20, 30]);
    expect(new Set(rows.map((row) => row.rowKey)).size).toBe(3);
  });

  it('gives each row its trend and the filter that drills into it', () => {
    const rows = hotspotTableRows(response);
    expect(rows.map((row) => row.trend.direction)).toEqual(['new', 'steady', 'steady']);
    expect(rows[0]?.filter).toEqual({ fingerprint: 'bbb', group: 'billing' });
    expect(rows[1]?.filter).toEqual({ fingerprint: 'ccc' });
  });

  it('has no fingerprint when the rows are not grouped by it', () => {
    const rows = hotspotTableRows(hotspots([hotspotRow({ service: 'billing-svc' }, [2])], ['service']));
    expect(rows[0]?.fingerprint).toBeNull();
    expect(rows[0]?.cells.map((cell) => cell.label)).toEqual(['Consuming service']);
  });
});

describe('sparklinePoints', () => {
  it('spans the width with the peak at the top and zero at the bottom', () => {
    expect(sparklinePoints([0, 5, 10], 100, 20, 0)).toBe('0.0,20.0 50.0,10.0 100.0,0.0');
  });
  it('draws all-zero and single values as flat lines, and nothing for no values', () => {
    expect(sparklinePoints([0, 0], 10, 10, 1)).toBe('0.0,9.0 10.0,9.0');
    expect(sparklinePoints([4], 10, 10, 1)).toBe('0,1.0 10,1.0');
    expect(sparklinePoints([], 10, 10)).toBe('');
  });
});
