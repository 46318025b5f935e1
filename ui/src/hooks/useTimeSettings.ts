/** The page's time range and auto-refresh interval, read from and written to the URL query. */
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { parseRefresh, parseTimeRange, withRefresh, withTimeRange, type RefreshId, type TimeRange } from '../model/time-range';

export interface TimeSettings {
  range: TimeRange;
  refreshMs: number | null;
  setRange: (range: TimeRange) => void;
  setRefreshMs: (refreshMs: number | null) => void;
}

export function useTimeSettings(defaultRefresh: RefreshId | null): TimeSettings {
  const [params, setParams] = useSearchParams();
  const range = useMemo(() => parseTimeRange(params), [params]);
  const refreshMs = parseRefresh(params, defaultRefresh);
  const setRange = useCallback((next: TimeRange) => setParams((current) => withTimeRange(current, next), { replace: true }), [setParams]);
  const setRefreshMs = useCallback((next: number | null) => setParams((current) => withRefresh(current, next), { replace: true }), [setParams]);
  return { range, refreshMs, setRange, setRefreshMs };
}
