/**
 * The UI served by the whole collector app (app.inject): files and their cache headers, index.html
 * for deep links, JSON 404s kept for the API, and the 503 before the UI is built. A small stand-in
 * build in a temp folder (CAUSEWAY_UI_DIR) keeps this independent of `ui/`; the real build is
 * covered by the browser tests in test/e2e.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../app.js';
import { parseConfig } from '../config.js';
import { acceptsHtml } from './ui.js';

const INDEX_HTML = '<!doctype html><html><body><div id="root"></div><script type="module" src="/assets/index-Bx3k9QzA.js"></script></body></html>';
const BUNDLE = 'console.log("causeway ui");';
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A built-UI look-alike: index.html, a hashed bundle under assets/, an unhashed file at the top. */
async function fakeBuild(dir: string): Promise<void> {
  await mkdir(join(dir, 'assets'), { recursive: true });
  await writeFile(join(dir, 'index.html'), INDEX_HTML);
  await writeFile(join(dir, 'assets', 'index-Bx3k9QzA.js'), BUNDLE);
  await writeFile(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
}

async function appServing(uiDir: string): Promise<FastifyInstance> {
  vi.stubEnv('CAUSEWAY_UI_DIR', uiDir);
  const dataDir = await tempDir('causeway-ui-data-');
  const app = await buildApp(parseConfig(['--data-dir', dataDir], {}), { logger: false });
  cleanups.push(() => app.close());
  await app.ready();
  return app;
}

describe('serving the built UI', () => {
  it('serves index.html at / without caching and hashed assets as immutable', async () => {
    const uiDir = await tempDir('causeway-ui-');
    await fakeBuild(uiDir);
    const app = await appServing(uiDir);

    const index = await app.inject({ url: '/', headers: { accept: BROWSER_ACCEPT } });
    expect(index.statusCode).toBe(200);
    expect(index.headers['content-type']).toMatch(/^text\/html/);
    expect(index.headers['cache-control']).toBe('no-cache');
    expect(index.body).toBe(INDEX_HTML);

    const bundle = await app.inject({ url: '/assets/index-Bx3k9QzA.js', headers: { accept: '*/*' } });
    expect(bundle.statusCode).toBe(200);
    expect(bundle.headers['content-type']).toMatch(/javascript/);
    expect(bundle.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(bundle.body).toBe(BUNDLE);

    const favicon = await app.inject({ url: '/favicon.svg' });
    expect(favicon.statusCode).toBe(200);
    expect(favicon.headers['cache-control']).toBe('no-cache');

    // no-cache still allows a cheap revalidation.
    const again = await app.inject({ url: '/', headers: { 'if-none-match': String(index.headers.etag) } });
    expect(again.statusCode).toBe(304);
  });

  it('answers deep links that ask for HTML with index.html, so a reload keeps the page', async () => {
    const uiDir = await tempDir('causeway-ui-');
    await fakeBuild(uiDir);
    const app = await appServing(uiDir);

    for (const url of ['/events/order-42', '/events/order-42?direction=down', '/topology']) {
      const page = await app.inject({ url, headers: { accept: BROWSER_ACCEPT } });
      expect(page.statusCode, url).toBe(200);
      expect(page.body, url).toBe(INDEX_HTML);
      expect(page.headers['cache-control'], url).toBe('no-cache');
    }
    const head = await app.inject({ method: 'HEAD', url: '/topology', headers: { accept: BROWSER_ACCEPT } });
    expect(head.statusCode).toBe(200);
  });

  it('keeps 404s for missing files, non-GET requests and everything under /api and /v1', async () => {
    const uiDir = await tempDir('causeway-ui-');
    await fakeBuild(uiDir);
    const app = await appServing(uiDir);

    // A script tag asking for a stale bundle must not get HTML back.
    const staleAsset = await app.inject({ url: '/assets/index-old.js', headers: { accept: '*/*' } });
    expect(staleAsset.statusCode).toBe(404);

    const unknownApi = await app.inject({ url: '/api/nope', headers: { accept: BROWSER_ACCEPT } });
    expect(unknownApi.statusCode).toBe(404);
    expect(unknownApi.headers['content-type']).toMatch(/^application\/json/);
    expect(unknownApi.json()).toEqual({ error: 'not found', message: 'no route for GET /api/nope' });

    expect((await app.inject({ url: '/api', headers: { accept: BROWSER_ACCEPT } })).statusCode).toBe(404);
    expect((await app.inject({ url: '/v1/logs', headers: { accept: BROWSER_ACCEPT } })).statusCode).toBe(404);
    expect((await app.inject({ method: 'POST', url: '/events/x', headers: { accept: BROWSER_ACCEPT } })).statusCode).toBe(404);

    // The API itself is untouched by the UI routes.
    const health = await app.inject({ url: '/api/health' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toMatchObject({ status: 'ok' });
    const missingEvent = await app.inject({ url: '/api/events/nope' });
    expect(missingEvent.json()).toEqual({ error: 'event not found', id: 'nope' });
  });

  it('answers 503 with a hint to build before the UI exists, and serves it once built without a restart', async () => {
    const uiDir = join(await tempDir('causeway-ui-'), 'dist');
    const app = await appServing(uiDir);

    const home = await app.inject({ url: '/' });
    expect(home.statusCode).toBe(503);
    expect(home.headers['content-type']).toMatch(/^text\/plain/);
    expect(home.body).toContain('npm run build');
    const deepLink = await app.inject({ url: '/events/order-42', headers: { accept: BROWSER_ACCEPT } });
    expect(deepLink.statusCode).toBe(503);
    expect((await app.inject({ url: '/api/health' })).statusCode).toBe(200);

    await fakeBuild(uiDir);
    const built = await app.inject({ url: '/', headers: { accept: BROWSER_ACCEPT } });
    expect(built.statusCode).toBe(200);
    expect(built.body).toBe(INDEX_HTML);
  });
});

describe('acceptsHtml', () => {
  it('is true only when HTML is asked for explicitly', () => {
    expect(acceptsHtml(BROWSER_ACCEPT)).toBe(true);
    expect(acceptsHtml('text/html')).toBe(true);
    expect(acceptsHtml('application/json, TEXT/HTML;q=0.5')).toBe(true);
    expect(acceptsHtml('text/html;q=0')).toBe(false);
    expect(acceptsHtml('*/*')).toBe(false);
    expect(acceptsHtml('application/json')).toBe(false);
    expect(acceptsHtml(undefined)).toBe(false);
  });
});
