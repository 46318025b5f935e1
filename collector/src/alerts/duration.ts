/** Durations as people write them in rules ("500ms", "30s", "5m", "1h", "1d") and as messages show them. */
import { RuleError } from './errors.js';

const UNITS = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
  ['ms', 1],
] as const;

const UNIT_MS: Readonly<Record<string, number>> = Object.fromEntries(UNITS);
const DURATION_TEXT = /^(\d{1,15})(ms|s|m|h|d)$/;

/** "500ms", "30s", "5m", "1h", "1d" → milliseconds. Throws `RuleError` for anything else. */
export function parseDuration(text: string): number {
  const match = typeof text === 'string' ? DURATION_TEXT.exec(text) : null;
  const unit = match?.[2] === undefined ? undefined : UNIT_MS[match[2]];
  if (!match || unit === undefined) {
    throw new RuleError(`"${String(text)}" is not a duration; durations look like 500ms, 30s, 5m, 1h or 1d`);
  }
  const ms = Number(match[1]) * unit;
  if (!Number.isSafeInteger(ms)) throw new RuleError(`duration "${text}" is too long`);
  return ms;
}

/** Milliseconds → the duration text in the largest unit that states it exactly (90_000 → "90s", 120_000 → "2m"). */
export function formatDuration(ms: number): string {
  const value = Number.isFinite(ms) ? Math.max(0, Math.round(ms)) : 0;
  if (value === 0) return '0s';
  for (const [unit, size] of UNITS) {
    if (value % size === 0) return `${value / size}${unit}`;
  }
  return `${value}ms`;
}

/** For messages: whole seconds, the largest unit and the next one if not zero, e.g. "45s", "2m", "1m35s", "3h5m". */
export function describeDuration(ms: number): string {
  let seconds = Number.isFinite(ms) ? Math.max(0, Math.round(ms / 1000)) : 0;
  const counts: [string, number][] = [];
  for (const [unit, size] of UNITS.slice(0, 4)) {
    const count = Math.floor(seconds / (size / 1000));
    seconds -= count * (size / 1000);
    counts.push([unit, count]);
  }
  const first = counts.findIndex(([, count]) => count > 0);
  if (first < 0) return '0s';
  const [unit, count] = counts[first]!;
  const next = counts[first + 1];
  return next && next[1] > 0 ? `${count}${unit}${next[1]}${next[0]}` : `${count}${unit}`;
}
