/**
 * Where a worker thread of the SQLite store starts. Run from the built package, its entry is the
 * compiled `.js` beside this file. Run from source (tests, benches through tsx or vitest), it is the
 * `.ts` file, loaded through tsx (a root devDependency): registered inside the thread, because
 * Node 20 does not apply a worker's `--import` to its entry.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface WorkerEntry {
  /** A file URL, or the code to run with `eval: true`. */
  entry: URL | string;
  eval: boolean;
}

/** @param module the entry's path beside `base`, without extension (`./writer-worker`). */
export function workerEntry(module: string, base: string): WorkerEntry {
  if (!base.endsWith('.ts')) return { entry: new URL(`${module}.js`, base), eval: false };
  // The ESM build, as the package's export map names it (require.resolve would give the CJS one).
  const manifestPath = createRequire(base).resolve('tsx/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
  const api = manifest.exports['./esm/api']?.import.default;
  if (!api) throw new Error(`tsx (${manifestPath}) exports no ESM 'tsx/esm/api'`);
  const tsx = pathToFileURL(join(dirname(manifestPath), api)).href;
  const entry = new URL(`${module}.ts`, base).href;
  return {
    entry: `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`,
    eval: true,
  };
}
