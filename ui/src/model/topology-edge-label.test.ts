import { describe, expect, it } from 'vitest';
import type { EdgeLag } from './lag-topology';
import { buildTopologyGraph } from './topology-graph';
import { edgeLabelContent, edgeLabelSize } from './topology-edge-label';
import { HOUR, sampleTopology } from './topology-fixtures';

const graph = buildTopologyGraph(sampleTopology, HOUR);
const [produce, consume] = graph.edges as [(typeof graph.edges)[0], (typeof graph.edges)[0]];

function lag(status: EdgeLag['status'], ageLabel: string | null): EdgeLag {
  return { group: 'payments', destination: 'orders', status, reason: 'why', lag: 1204, lagSeconds: 45, label: '', messagesLabel: 'lag 1,204', ageLabel };
}

describe('edgeLabelContent', () => {
  it('shows throughput, error rate and p99, with a warning sign when messages failed', () => {
    expect(edgeLabelContent(produce, undefined)).toEqual({ metrics: ['2/s', '0% err', 'p99 9.5 ms'], failing: false });
    expect(edgeLabelContent(consume, undefined)).toEqual({ metrics: ['2/min', '⚠ 5.0% err', 'p99 1.53 s'], failing: true });
  });

  it('adds the lag lines, and the status only when it is not OK', () => {
    expect(edgeLabelContent(consume, lag('OK', '45 s')).lag).toEqual({ lines: ['lag 1,204', '45 s'] });
    expect(edgeLabelContent(consume, lag('STALL', null)).lag).toEqual({ status: 'STALL', lines: ['lag 1,204'] });
  });
});

describe('edgeLabelSize', () => {
  it('grows with each line, the lag lines and the status pill', () => {
    const plain = edgeLabelSize(edgeLabelContent(consume, undefined));
    const withLag = edgeLabelSize(edgeLabelContent(consume, lag('OK', '45 s')));
    const stalled = edgeLabelSize(edgeLabelContent(consume, lag('STALL', '45 s')));
    expect(withLag.height).toBeGreaterThan(plain.height + 2 * 14);
    expect(stalled.height).toBeGreaterThan(withLag.height + 14);
  });

  it('is wide enough for its longest line, and never narrower than the minimum', () => {
    const long = edgeLabelSize({ metrics: ['1.5/min', '0% err', 'p99 12,345.6 ms'], failing: false });
    const short = edgeLabelSize({ metrics: ['1/s', '0% err', 'p99 1 ms'], failing: false });
    expect(long.width).toBeGreaterThanOrEqual('p99 12,345.6 ms'.length * 6.5);
    expect(short.width).toBe(72);
  });
});
