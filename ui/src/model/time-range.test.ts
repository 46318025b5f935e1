import { describe, expect, it } from 'vitest';
import { parseRefresh, parseTimeRange, resolveTimeRange, withRefresh, withTimeRange } from './time-range';

describe('time range in the URL', () => {
  it('reads a preset and falls back on unknown values', () => {
    expect(parseTimeRange(new URLSearchParams('range=6h'))).toEqual({ kind: 'preset', preset: '6h' });
    expect(parseTimeRange(new URLSearchParams('range=7y'))).toEqual({ kind: 'preset', preset: '1h' });
  });

  it('prefers a valid custom range over a preset and ignores an inverted one', () => {
    const custom = parseTimeRange(new URLSearchParams('range=15m&from=2025-01-15T10:00:00.000Z&to=2025-01-15T11:00:00.000Z'));
    expect(custom).toEqual({ kind: 'custom', from: Date.UTC(2025, 0, 15, 10), to: Date.UTC(2025, 0, 15, 11) });
    const inverted = parseTimeRange(new URLSearchParams('range=15m&from=2025-01-15T11:00:00.000Z&to=2025-01-15T10:00:00.000Z'));
    expect(inverted).toEqual({ kind: 'preset', preset: '15m' });
  });

  it('round-trips through the query and keeps unrelated parameters', () => {
    const start = new URLSearchParams('service=orders&range=15m');
    const custom = withTimeRange(start, { kind: 'custom', from: 1_000, to: 61_000 });
    expect(custom.get('service')).toBe('orders');
    expect(custom.has('range')).toBe(false);
    expect(parseTimeRange(custom)).toEqual({ kind: 'custom', from: 1_000, to: 61_000 });
    const preset = withTimeRange(custom, { kind: 'preset', preset: '24h' });
    expect([preset.has('from'), preset.has('to'), preset.get('range')]).toEqual([false, false, '24h']);
  });

  it('resolves presets relative to the given now', () => {
    const now = Date.UTC(2025, 0, 15, 12);
    expect(resolveTimeRange({ kind: 'preset', preset: '15m' }, now)).toEqual({
      from: '2025-01-15T11:45:00.000Z',
      to: '2025-01-15T12:00:00.000Z',
    });
  });
});

describe('auto-refresh in the URL', () => {
  it('uses the page default unless the URL says otherwise', () => {
    expect(parseRefresh(new URLSearchParams(''), null)).toBeNull();
    expect(parseRefresh(new URLSearchParams(''), '30s')).toBe(30_000);
    expect(parseRefresh(new URLSearchParams('refresh=off'), '30s')).toBeNull();
    expect(parseRefresh(new URLSearchParams('refresh=5s'), null)).toBe(5_000);
  });

  it('writes off explicitly so a page default does not come back', () => {
    expect(withRefresh(new URLSearchParams(), null).get('refresh')).toBe('off');
    expect(withRefresh(new URLSearchParams(), 60_000).get('refresh')).toBe('1m');
  });
});
