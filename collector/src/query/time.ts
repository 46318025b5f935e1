/**
 * Time parameters: ISO-8601 (`2025-01-15T10:00:00Z`, `2025-01-15T10:00:00.123+01:00`,
 * `2025-01-15`) or epoch milliseconds (`1736935200000`). `Date.parse` alone accepts many
 * non-ISO strings ("March 7"), so the shape is checked first.
 */
import { InvalidParameterError } from './errors.js';

const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;
const EPOCH_MS = /^\d{1,15}$/;

export function parseTime(name: string, value: string): number {
  const text = value.trim();
  let ms = Number.NaN;
  if (EPOCH_MS.test(text)) ms = Number(text);
  else if (ISO_8601.test(text)) ms = Date.parse(text);
  if (!Number.isFinite(ms)) throw new InvalidParameterError(`${name} must be an ISO-8601 time or epoch milliseconds`);
  return ms;
}

export interface TimeRange {
  from: number;
  to: number;
}

/** Optional bounds, each parsed; `from` must be before `to` when both are known. */
export function parseOptionalRange(from: string | undefined, to: string | undefined): Partial<TimeRange> {
  const range: Partial<TimeRange> = {};
  if (from !== undefined) range.from = parseTime('from', from);
  if (to !== undefined) range.to = parseTime('to', to);
  if (range.from !== undefined && range.to !== undefined && range.from >= range.to) throw new InvalidParameterError('from must be before to');
  return range;
}

/** A closed range: missing `to` is now, missing `from` is `defaultSpanMs` before `to`. */
export function parseRange(from: string | undefined, to: string | undefined, defaultSpanMs: number, now: number = Date.now()): TimeRange {
  const parsed = parseOptionalRange(from, to);
  const end = parsed.to ?? now;
  const start = parsed.from ?? end - defaultSpanMs;
  if (start >= end) throw new InvalidParameterError('from must be before to');
  return { from: start, to: end };
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
