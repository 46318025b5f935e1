/**
 * The UI bundle as a browser downloads it: every built asset under ui/dist/assets, raw and
 * gzip-compressed at level 9 (what a static server or proxy with maximum compression sends),
 * summed for the app's JavaScript, its CSS, and the ELK layout worker (a separate chunk, fetched
 * only when the first graph is laid out).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants, gzipSync } from 'node:zlib';

export interface AssetSizes {
  files: number;
  rawBytes: number;
  gzipBytes: number;
}

export interface BundleSizes {
  js: AssetSizes;
  css: AssetSizes;
  elkWorker: AssetSizes;
}

/** Vite names the worker chunk after its source, `elk-worker.min-<hash>.js`. */
const ELK_WORKER = /^elk-worker/;

export function measureBundle(assetsDir: string): BundleSizes {
  const empty = (): AssetSizes => ({ files: 0, rawBytes: 0, gzipBytes: 0 });
  const sizes: BundleSizes = { js: empty(), css: empty(), elkWorker: empty() };
  for (const name of readdirSync(assetsDir).sort()) {
    const group = name.endsWith('.css') ? sizes.css : name.endsWith('.js') ? (ELK_WORKER.test(name) ? sizes.elkWorker : sizes.js) : undefined;
    if (!group) continue;
    const content = readFileSync(join(assetsDir, name));
    group.files += 1;
    group.rawBytes += content.length;
    group.gzipBytes += gzipSync(content, { level: constants.Z_BEST_COMPRESSION }).length;
  }
  if (sizes.js.files === 0) throw new Error(`no JavaScript in ${assetsDir}: build the UI first (npm run build)`);
  if (sizes.elkWorker.files === 0) throw new Error(`no ELK worker chunk (elk-worker*.js) in ${assetsDir}: the bundle layout changed`);
  return sizes;
}
