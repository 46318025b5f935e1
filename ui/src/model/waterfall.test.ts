import { describe, expect, it } from 'vitest';
import type { TraceSpan } from '../api/schemas';
import { buildWaterfall } from './waterfall';

const base = 1_736_935_200_000n * 1_000_000n;

function span(spanId: string, parentSpanId: string | null, startMs: number, durationMs: number, code = 'unset'): TraceSpan {
  const startNs = base + BigInt(Math.round(startMs * 1e6));
  const start = new Date(Number(startNs / 1_000_000n));
  return {
    traceId: 'a'.repeat(32),
    spanId,
    parentSpanId,
    name: `span ${spanId}`,
    kind: 'internal',
    service: 'svc',
    startTime: start.toISOString(),
    endTime: new Date(start.getTime() + durationMs).toISOString(),
    startTimeUnixNano: startNs.toString(),
    durationMs,
    status: { code },
    attributes: {},
    resource: {},
    scope: null,
    links: [],
    events: [],
  };
}

describe('buildWaterfall', () => {
  it('orders rows as a tree with siblings by start time and indents by depth', () => {
    const { rows } = buildWaterfall([
      span('c2', 'root', 50, 10),
      span('root', null, 0, 100),
      span('gc', 'c1', 15, 5),
      span('c1', 'root', 10, 30),
    ]);
    expect(rows.map((r) => [r.span.spanId, r.depth])).toEqual([
      ['root', 0],
      ['c1', 1],
      ['gc', 2],
      ['c2', 1],
    ]);
  });

  it('positions spans as fractions of the whole trace, keeping sub-millisecond offsets', () => {
    const { rows, totalMs } = buildWaterfall([span('root', null, 0, 100), span('child', 'root', 25.5, 50, 'error')]);
    expect(totalMs).toBe(100);
    const child = rows.find((r) => r.span.spanId === 'child');
    expect(child?.offsetMs).toBeCloseTo(25.5, 6);
    expect(child?.leftPct).toBeCloseTo(25.5, 6);
    expect(child?.widthPct).toBeCloseTo(50, 6);
    expect(child?.isError).toBe(true);
  });

  it('starts a tree for spans whose parent is missing and survives parent cycles', () => {
    const { rows } = buildWaterfall([span('orphan', 'elsewhere', 5, 1), span('x', 'y', 0, 1), span('y', 'x', 1, 1)]);
    expect(rows.map((r) => r.span.spanId).sort()).toEqual(['orphan', 'x', 'y']);
    expect(rows.find((r) => r.span.spanId === 'orphan')?.depth).toBe(0);
  });

  it('is empty for no spans', () => {
    expect(buildWaterfall([])).toEqual({ rows: [], totalMs: 0 });
  });
});
