// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { TraceSpan } from '../api/schemas';
import { TraceWaterfall } from './TraceWaterfall';

afterEach(cleanup);

const startNs = 1_736_935_200_000n * 1_000_000n;
function span(spanId: string, parentSpanId: string | null, offsetMs: number, durationMs: number, extra: Partial<TraceSpan> = {}): TraceSpan {
  const start = new Date(Number(startNs / 1_000_000n) + offsetMs);
  return {
    traceId: 'b'.repeat(32), spanId, parentSpanId, name: `span ${spanId}`, kind: 'internal', service: 'payments',
    startTime: start.toISOString(), endTime: new Date(start.getTime() + durationMs).toISOString(),
    startTimeUnixNano: (startNs + BigInt(offsetMs) * 1_000_000n).toString(), durationMs,
    status: { code: 'unset' }, attributes: {}, resource: {}, scope: null, links: [], events: [], ...extra,
  };
}

describe('TraceWaterfall', () => {
  const spans = [
    span('send', null, 0, 4, { kind: 'producer', name: 'send orders', attributes: { 'messaging.destination.name': 'orders' } }),
    span('process', 'send', 20, 80, { kind: 'consumer', name: 'process orders', status: { code: 'error', message: 'card declined' } }),
  ];

  it('draws one row per span in tree order, marking failed spans in words', () => {
    render(<TraceWaterfall spans={spans} />);
    const rows = within(screen.getByTestId('trace-waterfall')).getAllByRole('button');
    expect(rows.map((row) => row.textContent)).toEqual(['payments send orders4.0 ms', 'payments process orders ✕ error80 ms']);
  });

  it('shows the attributes of the highlighted span and of a clicked span', () => {
    render(<TraceWaterfall spans={spans} highlightSpanId="send" />);
    expect(screen.getByText('messaging.destination.name')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: /process orders/ }));
    expect(screen.getByText('✕ card declined')).toBeTruthy();
    expect(screen.queryByText('messaging.destination.name')).toBeNull();
  });
});
