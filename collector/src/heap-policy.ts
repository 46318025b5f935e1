/**
 * How the collector process lets V8's heap grow.
 *
 * Under sustained ingest the collector allocates fast, and each batch's objects live long enough
 * (hundreds of milliseconds, across awaits) to be promoted before they die. V8 then grows the old
 * generation by up to 4× the live size between full collections: with ~70 MB live, the heap reached
 * 250 MB and the process 420–510 MB. A fixed growth factor makes full collections come at 1.5× the
 * live size instead. It is not a cap: a batch that really needs more (one enormous trace) still
 * gets it, where `--max-old-space-size` would crash the process on it and again on every replay of
 * the write-ahead log. Measured (full ingest bench, SQLite): peak RSS 421–446 → 277–301 MB, spans/s
 * unchanged within noise; see docs/performance.md.
 *
 * Applied by the `causeway` command (and the ingest bench's collector, which stands for it), not by
 * `buildApp`: V8 flags are process-wide, and an application embedding the collector owns its own.
 * A heap flag the user set (command line or NODE_OPTIONS) wins.
 */
import { setFlagsFromString } from 'node:v8';

export const HEAP_GROWING_PERCENT = 50;

const USER_HEAP_FLAGS = /--(heap-growing-percent|max-old-space-size|max-heap-size)\b/;

/** Returns the flag applied, or undefined when the user's own heap flags were left alone. */
export function applyHeapPolicy(execArgv: readonly string[] = process.execArgv, nodeOptions: string = process.env.NODE_OPTIONS ?? ''): string | undefined {
  if (execArgv.some((arg) => USER_HEAP_FLAGS.test(arg)) || USER_HEAP_FLAGS.test(nodeOptions)) return undefined;
  const flag = `--heap-growing-percent=${HEAP_GROWING_PERCENT}`;
  setFlagsFromString(flag);
  return flag;
}
