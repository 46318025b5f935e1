/**
 * Words, icons and numbers for consumer lag: status looks and severity order (mirroring the
 * collector's `STATUS_SEVERITY`), message counts with thousands separators, lag / drain
 * durations the way people say them ("4 m 12 s"), and clock times for chart and strip labels.
 */
import type { AlertMetric, AlertThreshold, LagStatusName } from '../api/schemas';

/** Higher is worse; the order the collector judges in (OK < WARN < REWIND < STALL < STOP). */
export const LAG_STATUS_SEVERITY: Readonly<Record<LagStatusName, number>> = { OK: 0, WARN: 1, REWIND: 2, STALL: 3, STOP: 4 };

export const LAG_STATUSES: readonly LagStatusName[] = ['OK', 'WARN', 'REWIND', 'STALL', 'STOP'];

/** Icon and plain-words meaning of each status, so a badge never relies on colour alone. */
export const LAG_STATUS_LOOK: Readonly<Record<LagStatusName, { icon: string; meaning: string }>> = {
  OK: { icon: '✓', meaning: 'keeping up' },
  WARN: { icon: '▲', meaning: 'lag keeps growing' },
  REWIND: { icon: '↺', meaning: 'offset went backwards' },
  STALL: { icon: '‖', meaning: 'commits without progress' },
  STOP: { icon: '■', meaning: 'no commits while lagging' },
};

export const worseStatus = (a: LagStatusName, b: LagStatusName): LagStatusName => (LAG_STATUS_SEVERITY[b] > LAG_STATUS_SEVERITY[a] ? b : a);

// A fixed locale: the same number reads the same for everyone and in tests.
const countFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const compactFormat = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

/** Messages with thousands separators: 1204 → "1,204". */
export function formatCount(count: number): string {
  return Number.isFinite(count) ? countFormat.format(count) : '–';
}

/** Short axis label: 1204 → "1.2K". */
export function formatCompactCount(count: number): string {
  return Number.isFinite(count) ? compactFormat.format(count) : '–';
}

/**
 * A lag or drain time in seconds as people say it: "0.4 s", "45 s", "4 m 12 s", "2 h 5 m",
 * "3 d 4 h" (two units at most: the second one is what still matters at that scale).
 */
export function formatLagSeconds(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '–';
  const s = Math.max(0, seconds);
  if (s < 10 && s !== Math.round(s)) return `${s.toFixed(1).replace(/\.0$/, '')} s`;
  const total = Math.round(s);
  if (total < 60) return `${total} s`;
  const units: [number, string][] = [
    [86_400, 'd'],
    [3_600, 'h'],
    [60, 'm'],
    [1, 's'],
  ];
  const index = units.findIndex(([size]) => total >= size);
  const [bigSize, bigUnit] = units[index] ?? [1, 's'];
  const [smallSize, smallUnit] = units[index + 1] ?? [1, 's'];
  const big = Math.floor(total / bigSize);
  const small = Math.floor((total % bigSize) / smallSize);
  return small > 0 ? `${big} ${bigUnit} ${small} ${smallUnit}` : `${big} ${bigUnit}`;
}

/** Time to drain: nothing to drain, not draining (lag but no consumption), or the estimate. */
export function formatDrain(drainSeconds: number | null | undefined, lag: number): string {
  if (lag <= 0) return 'caught up';
  if (drainSeconds === null || drainSeconds === undefined || !Number.isFinite(drainSeconds)) return 'not draining';
  return formatLagSeconds(drainSeconds);
}

/** An alert's value or threshold in the metric's unit. */
export function formatAlertValue(metric: AlertMetric, value: AlertThreshold): string {
  if (typeof value === 'string') return value;
  if (metric === 'lag_seconds') return formatLagSeconds(value);
  if (metric === 'lag_messages') return `${formatCount(value)} messages`;
  return String(value);
}

/** Local wall-clock time, e.g. "10:02:05". */
export function formatClock(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  const date = new Date(ms);
  const pad = (n: number) => n.toString().padStart(2, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}
