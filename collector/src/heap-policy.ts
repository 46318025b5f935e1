/**
 * How the collector process lets V8's heap grow.
 *
 * Under sustained ingest the collector allocates fast, and each batch's objects live long enough
 * (hundreds of milliseconds, across awaits) to be promoted before they die. V8 then grows the old
 * generation by up to 4× the live size between full collections: with ~70 MB live, the heap reached
 * 250 MB and the process 420–510 MB. A fixed growth factor makes full collections come at a fixed
 * multiple of the live size instead. It is not a cap: a batch that really needs more (one enormous
 * trace) still gets it, where `--max-old-space-size` would crash the process on it and again on
 * every replay of the write-ahead log. The factor depends on the store, whose ingest holds
 * different amounts:
 * - SQLite, 50 % (1.5×): the writer thread holds a batch's rows besides the collector's heap.
 *   Full ingest bench: peak RSS 421–446 MB with V8's growth, 277–301 MB at 50 %, 316 MB at 100 %.
 * - Elasticsearch, 100 % (2×): fewer full collections. Full ingest bench runs, 100 vs 50 %:
 *   collector CPU 67 vs 74 µs/span (medians of 4 and 7 runs), peak RSS 263–275 vs 237–248 MB
 *   (see docs/performance.md, fifth round).
 *
 * Applied by the `causeway` command (and the ingest bench's collector, which stands for it), not by
 * `buildApp`: V8 flags are process-wide, and an application embedding the collector owns its own.
 * A heap flag the user set wins (`--max-old-space-size` on the command line or in NODE_OPTIONS,
 * `--heap-growing-percent` on the command line: Node refuses it in NODE_OPTIONS), and
 * `CAUSEWAY_HEAP_GROWING_PERCENT` sets the percentage (0: V8's own growth).
 */
import { setFlagsFromString } from 'node:v8';
import { ConfigError } from './config.js';
import type { Store } from './store/store.js';

export const HEAP_GROWING_PERCENT: Readonly<Record<Store['kind'], number>> = { sqlite: 50, elasticsearch: 100 };

const USER_HEAP_FLAGS = /--(heap-growing-percent|max-old-space-size|max-heap-size)\b/;

/** Returns the flag applied, or undefined when the heap was left to the user's flags or V8. */
export function applyHeapPolicy(
  store: Store['kind'],
  execArgv: readonly string[] = process.execArgv,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string | undefined {
  if (execArgv.some((arg) => USER_HEAP_FLAGS.test(arg)) || USER_HEAP_FLAGS.test(env.NODE_OPTIONS ?? '')) return undefined;
  const configured = env.CAUSEWAY_HEAP_GROWING_PERCENT;
  const percent = configured === undefined || configured === '' ? HEAP_GROWING_PERCENT[store] : Number(configured);
  if (!Number.isInteger(percent) || percent < 0) {
    throw new ConfigError(`CAUSEWAY_HEAP_GROWING_PERCENT must be a whole number ≥ 0 (0: V8's own heap growth), got "${configured}"`);
  }
  if (percent === 0) return undefined;
  const flag = `--heap-growing-percent=${percent}`;
  setFlagsFromString(flag);
  return flag;
}
