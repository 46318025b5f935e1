/**
 * Loads data for a view: aborts the request when the inputs change or the view goes away, reloads
 * on `reload()` and every `refreshMs` when auto-refresh is on. New inputs clear the old data (it
 * belongs to something else); a refresh keeps it on screen while the next answer is on its way,
 * and keeps it with the error beside it when the refresh fails.
 */
import { useCallback, useEffect, useRef, useState } from 'react';

export interface ApiState<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => void;
}

interface Snapshot<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
}

export function useApi<T>(
  load: (signal: AbortSignal) => Promise<T>,
  /** Serializable inputs; a change loads afresh. */
  inputs: unknown,
  options: { refreshMs?: number | null; enabled?: boolean } = {},
): ApiState<T> {
  const enabled = options.enabled ?? true;
  const [snapshot, setSnapshot] = useState<Snapshot<T>>({ data: undefined, error: undefined, loading: enabled });
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  const lastKey = useRef<string | null>(null);
  const key = JSON.stringify(inputs);

  useEffect(() => {
    loadRef.current = load;
  });

  useEffect(() => {
    if (!enabled) {
      lastKey.current = null;
      setSnapshot({ data: undefined, error: undefined, loading: false });
      return;
    }
    const controller = new AbortController();
    const fresh = lastKey.current !== key;
    lastKey.current = key;
    setSnapshot((previous) => (fresh ? { data: undefined, error: undefined, loading: true } : { ...previous, loading: true }));
    loadRef.current(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setSnapshot({ data, error: undefined, loading: false });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setSnapshot((previous) => ({ data: previous.data, error: error instanceof Error ? error : new Error(String(error)), loading: false }));
      },
    );
    return () => controller.abort();
  }, [key, tick, enabled]);

  useEffect(() => {
    if (!options.refreshMs || !enabled) return;
    const timer = setInterval(() => {
      // A hidden tab does not need fresh data; it refreshes on the next tick after it is shown.
      if (document.visibilityState !== 'hidden') setTick((n) => n + 1);
    }, options.refreshMs);
    return () => clearInterval(timer);
  }, [options.refreshMs, enabled]);

  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { ...snapshot, reload };
}
