/**
 * Serves the browser UI (the Vite build in `ui/dist`) at `/` on the collector's one port.
 *
 * - Files come from @fastify/static. Vite writes content-hashed names under `assets/`, so those
 *   are cached for a year as immutable; everything else (index.html above all) is `no-cache`, so a
 *   new build is picked up on the next load while ETags still allow 304s.
 * - The UI routes in the browser (`/events/:id`, `/topology`), so a page load on such a deep link
 *   reaches the collector: GET requests for unknown paths that ask for HTML get `index.html`.
 *   `/api/*` and `/v1/*` never do: an unknown API path stays a JSON 404.
 * - Before `npm run build` has produced the UI, pages answer 503 with a message saying so. The
 *   directory is checked per request, so building while the collector runs needs no restart.
 */
import { access } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';

export interface UiRoutesOptions {
  /** Directory holding the built UI; defaults to CAUSEWAY_UI_DIR, then the repository's `ui/dist`. */
  uiDir?: string;
}

/** `ui/dist` of the repository, from `collector/src/routes/` (vitest) or `collector/dist/routes/` (built). */
const DEFAULT_UI_DIR = fileURLToPath(new URL('../../../ui/dist', import.meta.url));

/** Vite's `build.assetsDir`: every file in it carries a content hash in its name. */
const HASHED_ASSETS_DIR = 'assets';

const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

const NOT_BUILT_MESSAGE =
  'The Causeway UI has not been built yet, so there is nothing to show here.\n' +
  'Run `npm run build` (or `npm start`, which builds it when needed) in the Causeway repository, then reload.\n' +
  'The collector itself is running: OTLP/HTTP at /v1/traces, the JSON API at /api.\n';

export function resolveUiDir(options: UiRoutesOptions = {}, env: NodeJS.ProcessEnv = process.env): string {
  const configured = options.uiDir ?? (env.CAUSEWAY_UI_DIR || undefined);
  return configured === undefined ? DEFAULT_UI_DIR : resolve(configured);
}

/**
 * True when the request lists text/html explicitly: browsers do for page loads, while scripts,
 * images and fetch() accept any type, so a missing asset gets a 404 rather than the page.
 */
export function acceptsHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((range) => {
    const [type, ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    if (type !== 'text/html' && type !== 'application/xhtml+xml') return false;
    const q = params.find((param) => param.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

/** Paths the UI must never answer: the API and OTLP ingest keep their own 404s. */
function isServerPath(url: string): boolean {
  const path = url.split('?', 1)[0] ?? '';
  return /^\/(api|v1)(\/|$)/.test(path);
}

const uiRoutes: FastifyPluginAsync<UiRoutesOptions> = async (app, options) => {
  const root = resolveUiDir(options);
  const indexFile = resolve(root, 'index.html');
  const isBuilt = (): Promise<boolean> => access(indexFile).then(() => true, () => false);
  if (!(await isBuilt())) {
    app.log.warn({ uiDir: root }, 'the UI has not been built (run `npm run build`); pages answer 503 until it is');
  }

  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    // Looked up per request (not globbed at startup) so a later build is served without a restart.
    wildcard: true,
    index: 'index.html',
    cacheControl: false,
    setHeaders(res, filePath) {
      const inRoot = relative(root, filePath);
      const hashed = !isAbsolute(inRoot) && inRoot.startsWith(HASHED_ASSETS_DIR + sep);
      res.setHeader('cache-control', hashed ? IMMUTABLE : REVALIDATE);
    },
  });

  const notBuilt = (reply: FastifyReply): FastifyReply =>
    reply.status(503).header('cache-control', 'no-store').type('text/plain; charset=utf-8').send(NOT_BUILT_MESSAGE);

  app.setNotFoundHandler(async (request: FastifyRequest, reply: FastifyReply) => {
    const isPageLoad =
      (request.method === 'GET' || request.method === 'HEAD') &&
      !isServerPath(request.url) &&
      (request.url === '/' || request.url.startsWith('/?') || acceptsHtml(request.headers.accept));
    if (!isPageLoad) {
      return reply.status(404).send({ error: 'not found', message: `no route for ${request.method} ${request.url.split('?', 1)[0]}` });
    }
    if (!(await isBuilt())) return notBuilt(reply);
    // A deep link (`/events/<id>`): the UI's router reads the path once index.html has loaded.
    return reply.sendFile('index.html');
  });
};

export default uiRoutes;
