/**
 * Runs a real collector for integration tests: the built `@causeway/collector` listening on an
 * ephemeral loopback port, on SQLite (a temp file) or on the test Elasticsearch (a unique index
 * prefix, deleted afterwards).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, parseConfig } from '@causeway/collector';
import { deleteIndexPrefix } from './elasticsearch.js';
import { services, uniqueName } from './services.js';

export type StoreKind = 'sqlite' | 'elasticsearch';

export interface RunningCollector {
  url: string;
  /** Resolves once every span acknowledged so far has been correlated and stored. */
  idle(): Promise<void>;
  get<T = unknown>(path: string): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

/** @param extraArgs further `causeway start` flags, e.g. lag sources and alert rules. */
export async function startCollector(store: StoreKind, extraArgs: string[] = []): Promise<RunningCollector> {
  const dataDir = mkdtempSync(join(tmpdir(), 'causeway-it-'));
  const indexPrefix = uniqueName('cw-it').toLowerCase();
  const args = ['--port', '0', '--data-dir', dataDir, '--log-level', 'warn', ...extraArgs];
  if (store === 'elasticsearch') args.push('--store', services.elasticsearchUrl, '--es-index-prefix', indexPrefix);
  const app = await buildApp(parseConfig(args, {}), { logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('collector did not bind a TCP port');
  const url = `http://127.0.0.1:${address.port}`;

  return {
    url,
    idle: () => app.pipeline.idle(),
    async get<T>(path: string) {
      const response = await fetch(url + path);
      return { status: response.status, body: (await response.json()) as T };
    },
    async close() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
      if (store === 'elasticsearch') await deleteIndexPrefix(indexPrefix);
    },
  };
}


/** Poll `check` until it returns a value (not undefined) or the time runs out. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
