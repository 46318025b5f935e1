// @ts-check
/**
 * A collector in its own process, so its peak memory and CPU time are its own and a `--cpu-prof`
 * covers it alone. Built with `buildApp` from the built package, as the integration tests do.
 *
 * argv: <dataDir> [<elasticsearchUrl> <indexPrefix>]
 * IPC: sends `{ type: 'ready', url }`; answers `{ type: 'idle' }` with `{ type: 'idle', usage }` once
 * every acknowledged span is stored; on `{ type: 'stop' }` closes (flushing the profile) and exits.
 *
 * Plain JavaScript on purpose: run without the tsx loader, the process holds only the collector,
 * so its memory and profile are the collector's.
 */
import { readFileSync } from 'node:fs';
import { applyHeapPolicy, buildApp, parseConfig } from '../../collector/dist/index.js';
import { storeKindOf } from '../../collector/dist/store/index.js';

/**
 * @typedef {object} CollectorUsage
 * @property {number} peakRssBytes peak resident set size of this process since it started (see peakRssBytes())
 * @property {number} cpuMicros CPU time (user + system) since the last `reset`, µs
 */

const [dataDir, esUrl, indexPrefix] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: collector-process.js <dataDir> [<elasticsearchUrl> <indexPrefix>]');
const args = ['--port', '0', '--data-dir', dataDir, '--log-level', 'warn'];
if (esUrl && indexPrefix) args.push('--store', esUrl, '--es-index-prefix', indexPrefix);

const config = parseConfig(args, {});
// As the `causeway` command does before it builds the app.
applyHeapPolicy(storeKindOf(config.storeUrl) ?? 'sqlite');
const app = await buildApp(config, { logger: { level: 'warn' } });
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
if (!address || typeof address === 'string') throw new Error('collector did not bind a TCP port');
let cpuSince = process.cpuUsage();

process.on('message', (/** @type {{ type: string }} */ message) => {
  void (async () => {
    if (message.type === 'reset') {
      cpuSince = process.cpuUsage();
      process.send?.({ type: 'reset' });
    } else if (message.type === 'idle') {
      // `pipeline` is the collector's Fastify decorator (declared in its ingest plugin).
      await /** @type {{ pipeline: { idle(): Promise<void> } }} */ (/** @type {unknown} */ (app)).pipeline.idle();
      const cpu = process.cpuUsage(cpuSince);
      /** @type {CollectorUsage} */
      const usage = { peakRssBytes: peakRssBytes(), cpuMicros: cpu.user + cpu.system };
      process.send?.({ type: 'idle', usage });
    } else if (message.type === 'stop') {
      await app.close();
      process.disconnect?.();
      // Leaving through exit() writes the --cpu-prof profile.
      process.exit(0);
    }
  })().catch((/** @type {unknown} */ err) => {
    process.send?.({ type: 'error', error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  });
});
/**
 * Peak resident set size of this process's own memory. On Linux that is `VmHWM`: the kernel's
 * `maxrss` of a spawned child starts at its parent's RSS at fork time (the forked copy of the
 * parent's memory counts before exec replaces it), so it reported the bench's ~590 MB, holding
 * every document read back from Elasticsearch, as the collector's peak while the collector's
 * own RSS, sampled every 100 ms, never passed 265 MB. Elsewhere, `maxrss`.
 * @returns {number}
 */
function peakRssBytes() {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]) * 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS * 1024;
}

// The bench died without saying stop: do not outlive it.
process.once('disconnect', () => process.exit(1));
process.send?.({ type: 'ready', url: `http://127.0.0.1:${address.port}` });
