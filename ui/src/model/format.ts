/** Formatting of durations, rates and times for labels and panels. */

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  const sign = ms < 0 ? '−' : '';
  const abs = Math.abs(ms);
  if (abs < 1) return `${sign}${abs.toFixed(2)} ms`;
  if (abs < 1000) return `${sign}${abs < 10 ? abs.toFixed(1) : Math.round(abs).toString()} ms`;
  if (abs < 60_000) return `${sign}${(abs / 1000).toFixed(abs < 10_000 ? 2 : 1)} s`;
  const minutes = Math.floor(abs / 60_000);
  const seconds = Math.round((abs % 60_000) / 1000);
  return `${sign}${minutes}m ${seconds}s`;
}

export function formatPercent(fraction: number): string {
  if (fraction === 0) return '0%';
  const pct = fraction * 100;
  if (pct < 0.1) return '<0.1%';
  return `${pct < 10 ? pct.toFixed(1) : Math.round(pct).toString()}%`;
}

/** Local date and time with milliseconds, e.g. `2025-01-15 11:00:00.123`. */
export function formatTimestamp(iso: string | null): string {
  if (!iso) return '–';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const pad = (n: number, width = 2) => n.toString().padStart(width, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}
