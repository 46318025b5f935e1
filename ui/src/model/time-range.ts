/**
 * The time range and auto-refresh interval shared by the pages, kept in the URL query so a copied
 * link shows the same window: `range=15m|1h|6h|24h`, or `from=<ISO>&to=<ISO>` for a custom range;
 * `refresh=off|5s|10s|30s|1m`. Presets are relative: they resolve against "now" on every fetch.
 */

export const RANGE_PRESETS = [
  { id: '15m', label: 'Last 15 minutes', ms: 15 * 60_000 },
  { id: '1h', label: 'Last hour', ms: 60 * 60_000 },
  { id: '6h', label: 'Last 6 hours', ms: 6 * 60 * 60_000 },
  { id: '24h', label: 'Last 24 hours', ms: 24 * 60 * 60_000 },
] as const;
export type RangePresetId = (typeof RANGE_PRESETS)[number]['id'];

export type TimeRange = { kind: 'preset'; preset: RangePresetId } | { kind: 'custom'; from: number; to: number };

export const DEFAULT_RANGE: TimeRange = { kind: 'preset', preset: '1h' };

export const REFRESH_OPTIONS = [
  { id: '5s', label: '5 s', ms: 5_000 },
  { id: '10s', label: '10 s', ms: 10_000 },
  { id: '30s', label: '30 s', ms: 30_000 },
  { id: '1m', label: '1 min', ms: 60_000 },
] as const;
export type RefreshId = (typeof REFRESH_OPTIONS)[number]['id'];

function isPreset(value: string | null): value is RangePresetId {
  return RANGE_PRESETS.some((preset) => preset.id === value);
}

function parseTime(value: string | null): number | null {
  if (!value) return null;
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

export function parseTimeRange(params: URLSearchParams, fallback: TimeRange = DEFAULT_RANGE): TimeRange {
  const from = parseTime(params.get('from'));
  const to = parseTime(params.get('to'));
  if (from !== null && to !== null && from < to) return { kind: 'custom', from, to };
  const preset = params.get('range');
  return isPreset(preset) ? { kind: 'preset', preset } : fallback;
}

/** A copy of `params` with the range written in and any other range form removed. */
export function withTimeRange(params: URLSearchParams, range: TimeRange): URLSearchParams {
  const next = new URLSearchParams(params);
  next.delete('range');
  next.delete('from');
  next.delete('to');
  if (range.kind === 'preset') next.set('range', range.preset);
  else {
    next.set('from', new Date(range.from).toISOString());
    next.set('to', new Date(range.to).toISOString());
  }
  return next;
}

export function presetMs(preset: RangePresetId): number {
  return RANGE_PRESETS.find((candidate) => candidate.id === preset)?.ms ?? RANGE_PRESETS[1].ms;
}

/** Absolute bounds of a range as the API takes them (`from`, `to` query parameters). */
export function resolveTimeRange(range: TimeRange, now: number): { from: string; to: string } {
  const [from, to] = range.kind === 'preset' ? [now - presetMs(range.preset), now] : [range.from, range.to];
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}

/** Milliseconds between refreshes, or null when auto-refresh is off. */
export function parseRefresh(params: URLSearchParams, fallback: RefreshId | null): number | null {
  const value = params.get('refresh');
  if (value === 'off') return null;
  const option = REFRESH_OPTIONS.find((candidate) => candidate.id === value) ?? REFRESH_OPTIONS.find((candidate) => candidate.id === fallback);
  return option?.ms ?? null;
}

export function withRefresh(params: URLSearchParams, refreshMs: number | null): URLSearchParams {
  const next = new URLSearchParams(params);
  const option = REFRESH_OPTIONS.find((candidate) => candidate.ms === refreshMs);
  next.set('refresh', option?.id ?? 'off');
  return next;
}
