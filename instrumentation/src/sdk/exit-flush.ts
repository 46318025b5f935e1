/**
 * Flushing spans when the process ends, without changing how it ends.
 *
 * Listening for SIGTERM/SIGINT disables Node's default "exit on signal", so when the app has no
 * handler of its own we re-raise the signal once spans are flushed: the process still dies of the
 * same signal (same exit status for supervisors). When the app handles the signal, exiting is its
 * call; we only flush. `beforeExit` covers apps that end by running out of work: there we only
 * flush too, because an app may schedule more work from its own `beforeExit` handler (once the
 * flush is done the loop drains again and the process exits). `process.exit()` gives no chance to
 * do async work, so spans still queued then are lost.
 */
import { diag } from '@opentelemetry/api';
import type { CausewayHandle } from '../types.js';

const EXIT_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

export function flushOnExit(handle: CausewayHandle, timeoutMs = 5000): void {
  let finished: Promise<void> | undefined;
  const finish = (): Promise<void> => (finished ??= withTimeout(handle.shutdown(), timeoutMs));

  process.once('beforeExit', () => {
    void withTimeout(handle.flush(), timeoutMs);
  });
  for (const signal of EXIT_SIGNALS) {
    process.once(signal, () => {
      // `once` already removed us: whoever is still listening is the app.
      const appHandlesSignal = process.listenerCount(signal) > 0;
      if (appHandlesSignal) {
        void withTimeout(handle.flush(), timeoutMs);
        return;
      }
      void finish().finally(() => process.kill(process.pid, signal));
    });
  }
}

/** Never wait on a dead collector longer than `timeoutMs`; the timer does not keep the process alive. */
function withTimeout(work: Promise<void>, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      diag.warn(`causeway: gave up flushing spans after ${timeoutMs} ms`);
      resolve();
    }, timeoutMs);
    timer.unref();
    work.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      () => {
        clearTimeout(timer);
        resolve();
      },
    );
  });
}
