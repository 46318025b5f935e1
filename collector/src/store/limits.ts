/** Bounds both stores apply the same way, so they answer the contract identically. */

/**
 * Most events one `searchEvents` call returns. Elasticsearch cannot page a plain search past
 * `index.max_result_window` (10,000 by default), so SQLite is held to the same cap.
 */
export const MAX_SEARCH_LIMIT = 10_000;

/** A usable page size: whole, at least 0, at most MAX_SEARCH_LIMIT. */
export function clampSearchLimit(limit: number): number {
  if (!Number.isFinite(limit)) return limit > 0 ? MAX_SEARCH_LIMIT : 0;
  return Math.min(MAX_SEARCH_LIMIT, Math.max(0, Math.floor(limit)));
}

/**
 * Most lag samples one `getLagSamples` call returns: five polls of a 2,000 × 20 cluster, and room
 * for a caller asking one more than its own 100,000 to learn that it truncated.
 */
export const MAX_LAG_SAMPLE_LIMIT = 200_000;

/** Most alert events one `listAlertEvents` call returns (Elasticsearch's plain-search window). */
export const MAX_ALERT_EVENT_LIMIT = 10_000;

/** A whole number of results between 0 and `max`. */
export function clampLimit(limit: number, max: number): number {
  if (!Number.isFinite(limit)) return limit > 0 ? max : 0;
  return Math.min(max, Math.max(0, Math.floor(limit)));
}
