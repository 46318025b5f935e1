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
