/**
 * Bounds applied while decoding, so that one hostile or buggy request cannot make a single span
 * record unboundedly deep or wide (the stores index these values, and the correlator walks them).
 * The request as a whole is already bounded by the route's body limit.
 */
export const DECODE_LIMITS = {
  /** Array/kvlist values nested deeper than this are replaced by TRUNCATED_NESTING. */
  maxValueDepth: 16,
  /** Entries kept per attribute list, array value or kvlist value; the rest are dropped. */
  maxCollectionEntries: 1024,
  /** String (and base64-encoded bytes) values are cut to this many UTF-16 code units. */
  maxStringLength: 64 * 1024,
  /** Events and links kept per span. */
  maxEventsPerSpan: 1024,
  maxLinksPerSpan: 1024,
} as const;

/** Stands in for a value nested deeper than `maxValueDepth`, so the cut is visible to users. */
export const TRUNCATED_NESTING = '[causeway: value nested too deeply]';

/** Cuts a string to the length limit without leaving half of a surrogate pair at the end. */
export function boundString(value: string): string {
  const max = DECODE_LIMITS.maxStringLength;
  if (value.length <= max) return value;
  const cut = value.charCodeAt(max - 1);
  const end = cut >= 0xd800 && cut <= 0xdbff ? max - 1 : max;
  return value.slice(0, end);
}
