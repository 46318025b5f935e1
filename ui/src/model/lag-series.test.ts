import { describe, expect, it } from 'vitest';
import { buildLagCharts, buildQueueTimeChart, buildStatusStrip, peakLagByPartition, worstOfStrip } from './lag-series';
import { lagSeries, T0 } from './lag-fixtures';

describe('buildLagCharts', () => {
  it('aligns partitions on one time axis with nulls where a poll is missing', () => {
    const charts = buildLagCharts([lagSeries('orders', 0, [[0, 5], [10, 7], [20, 9]]), lagSeries('orders', 1, [[0, 1], [20, 3]])]);
    expect(charts.messages.times).toEqual([T0, T0 + 10_000, T0 + 20_000]);
    expect(charts.messages.lines.map((line) => [line.label, line.values])).toEqual([
      ['orders/0', [5, 7, 9]],
      ['orders/1', [1, null, 3]],
    ]);
    expect(charts.seconds.lines.map((line) => line.values)).toEqual([
      [0.5, 0.7, 0.9],
      [0.1, null, 0.3],
    ]);
    expect([charts.partitionCount, charts.shownCount]).toEqual([2, 2]);
  });

  it('draws the partitions with the most lag and a total over all of them when there are too many', () => {
    const series = Array.from({ length: 12 }, (_, partition) => lagSeries('orders', partition, [[0, partition * 10], [10, partition * 10 + 1]]));
    const charts = buildLagCharts(series, 10);
    const labels = charts.messages.lines.map((line) => line.label);
    expect(labels).toHaveLength(11);
    expect(labels.slice(0, 3)).toEqual(['orders/11', 'orders/10', 'orders/9']);
    expect(labels).not.toContain('orders/0');
    expect(labels).not.toContain('orders/1');
    const total = charts.messages.lines.at(-1);
    expect(total?.label).toBe('Total (all 12 partitions)');
    // 10 × (0 + 1 + … + 11) = 660 at the first poll, one more per partition at the second.
    expect(total?.values).toEqual([660, 672]);
    expect(charts.seconds.lines.at(-1)?.values).toEqual([11, 11.1]);
    expect([charts.partitionCount, charts.shownCount]).toEqual([12, 10]);
  });

  it('names queues by themselves and adds the cluster when several are shown', () => {
    const charts = buildLagCharts([
      lagSeries('payments', 0, [[0, 1]], { system: 'rabbitmq', cluster: 'east' }),
      lagSeries('payments', 0, [[0, 2]], { system: 'rabbitmq', cluster: 'west' }),
    ]);
    expect(charts.messages.lines.map((line) => line.label)).toEqual(['west: payments', 'east: payments']);
  });

  it('gives empty charts for no series', () => {
    const charts = buildLagCharts([]);
    expect(charts.messages).toEqual({ times: [], lines: [] });
  });
});

describe('buildStatusStrip', () => {
  it('merges polls into runs of the worst partition status', () => {
    const strip = buildStatusStrip(
      [
        lagSeries('orders', 0, [[0, 1, 'OK'], [10, 2, 'WARN'], [20, 3, 'WARN'], [30, 3, 'STOP']]),
        lagSeries('orders', 1, [[0, 1, 'OK'], [10, 1, 'OK'], [20, 1, 'STALL'], [30, 1, 'OK']]),
      ],
      10_000,
    );
    expect(strip).toEqual([
      { status: 'OK', from: T0, to: T0 + 10_000 },
      { status: 'WARN', from: T0 + 10_000, to: T0 + 20_000 },
      { status: 'STALL', from: T0 + 20_000, to: T0 + 30_000 },
      { status: 'STOP', from: T0 + 30_000, to: T0 + 40_000 },
    ]);
    expect(worstOfStrip(strip)).toBe('STOP');
    expect(worstOfStrip([])).toBe('OK');
  });
});

describe('buildQueueTimeChart', () => {
  it('draws p50 and p95 per destination, leaving empty buckets as gaps', () => {
    const chart = buildQueueTimeChart([
      {
        group: 'billing',
        destination: 'orders',
        points: [
          { t: T0, count: 4, p50Ms: 12, p95Ms: 40, maxMs: 55 },
          { t: T0 + 60_000, count: 0, p50Ms: 0, p95Ms: 0, maxMs: 0 },
        ],
      },
      { group: 'billing', destination: 'idle', points: [] },
    ]);
    expect(chart.times).toEqual([T0, T0 + 60_000]);
    expect(chart.lines.map((line) => [line.label, line.values])).toEqual([
      ['orders p50', [12, null]],
      ['orders p95', [40, null]],
    ]);
    expect(chart.destinationCount).toBe(1);
  });
});

describe('peakLagByPartition', () => {
  it('keeps each partition’s highest lag in the range', () => {
    const peaks = peakLagByPartition([lagSeries('orders', 0, [[0, 5], [10, 50], [20, 7]]), lagSeries('orders', 1, [])]);
    expect([...peaks]).toEqual([
      ['default|orders|0', 50],
      ['default|orders|1', 0],
    ]);
  });
});
