/**
 * Epoch-millisecond bounds as Elasticsearch range values for the `date_nanos` fields.
 *
 * Bounds are sent as strings in the same shortest decimal form `JSON.stringify` gives the stored
 * times, so a bound equal to a stored time parses to the same nanosecond (a JSON number bound would
 * be read as a double and reformatted, e.g. into exponent form, which epoch_millis rejects). `date_nanos` holds 1970-01-01 to 2262-04-11 only, so bounds
 * are clamped into that span, and a range entirely outside it matches nothing.
 */
import type { estypes } from '@elastic/elasticsearch';

/** Last millisecond `date_nanos` can hold (2^63 - 1 ns). */
const MAX_DATE_NANOS_MS = 9_223_372_036_854;

function esMillis(ms: number): string {
  const clamped = Math.min(Math.max(ms, 0), MAX_DATE_NANOS_MS);
  const text = String(clamped);
  // Tiny or long-fractioned values (only near 1970) would print in exponent form or beyond
  // nanosecond digits, which epoch_millis does not parse.
  if (/e|\.\d{7,}/i.test(text)) return clamped.toFixed(6);
  // A whole number must carry a fraction: for `lte`/`gt` Elasticsearch fills missing digits
  // upwards, so "1700000000000" would mean 1700000000000.999999.
  return text.includes('.') ? text : `${text}.0`;
}

/**
 * A range query on `field` for `from ≤ t ≤ to` (either side optional), or `null` when no stored
 * time can fall in the range.
 */
export function timeRange(field: string, from: number | undefined, to: number | undefined): estypes.QueryDslQueryContainer | null {
  if (Number.isNaN(from) || Number.isNaN(to)) return null;
  if (from !== undefined && to !== undefined && from > to) return null;
  if (to !== undefined && to < 0) return null;
  if (from !== undefined && from > MAX_DATE_NANOS_MS) return null;
  const range: estypes.QueryDslDateRangeQuery = {};
  if (from !== undefined) range.gte = esMillis(from);
  if (to !== undefined) range.lte = esMillis(to);
  return { range: { [field]: range } };
}
