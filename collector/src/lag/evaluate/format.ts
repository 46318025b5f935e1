/**
 * Number and duration wording for status reasons. Hand-rolled rather than `toLocaleString`: a
 * cycle over 40,000 partitions formats many reasons, and Intl formatting costs microseconds each.
 */

/** 1234567 → "1,234,567"; non-integers are rounded. */
export function formatCount(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const rounded = Math.round(value);
  const digits = String(Math.abs(rounded));
  let out = '';
  for (let end = digits.length; end > 0; end -= 3) {
    const chunk = digits.slice(Math.max(0, end - 3), end);
    out = out === '' ? chunk : `${chunk},${out}`;
  }
  return rounded < 0 ? `-${out}` : out;
}

/** Milliseconds → "45 s", "12 min", "3 h 5 min": coarse on purpose, reasons are read by people. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '0 s';
  const seconds = Math.round(ms / 1000);
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

/** "1 message" / "3 messages". */
export function messages(count: number): string {
  return count === 1 ? '1 message' : `${formatCount(count)} messages`;
}
