/**
 * Bounded parallelism and abort handling for one poll. kafkajs requests cannot be cancelled, so an
 * abort stops *starting* work and makes the caller's promise reject at once; requests already in
 * flight (at most `limit`) finish on their own within the client's request timeout.
 */

export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

export class PollAbortedError extends Error {
  override readonly name = 'AbortError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Runs `task` over `items`, at most `limit` at a time, in order of items; never rejects. */
export async function settleBounded<I, T>(items: readonly I[], limit: number, signal: AbortSignal, task: (item: I) => Promise<T>): Promise<Array<Settled<T>>> {
  const results: Array<Settled<T>> = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (!signal.aborted) {
      const index = next++;
      if (index >= items.length) return;
      try {
        results[index] = { ok: true, value: await task(items[index] as I) };
      } catch (error) {
        results[index] = { ok: false, error };
      }
    }
  };
  const workers = Math.max(1, Math.min(limit, items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return results;
}

/** `promise`, or a rejection with a `PollAbortedError` as soon as `signal` aborts. */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal, what: string): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(new PollAbortedError(`${what} aborted`, { cause: signal.reason }));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new PollAbortedError(`${what} aborted`, { cause: signal.reason }));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

export function throwIfAborted(signal: AbortSignal, what: string): void {
  if (signal.aborted) throw new PollAbortedError(`${what} aborted`, { cause: signal.reason });
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
