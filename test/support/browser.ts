/**
 * Headless Chromium for the browser tests: playwright-core driving the system's Chromium (Debian's
 * `chromium` package, or CHROMIUM_PATH). Playwright's own browser downloads are never used.
 */
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Where Debian's `chromium` package puts its launcher. */
const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/** Screenshots of every browser test run; `test-results/` is gitignored. */
export const SCREENSHOT_DIR = resolve(import.meta.dirname, '../../test-results/screenshots');

/** The launch flags of the issue: no sandbox (containers run as root), no GPU, no background traffic. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** The Chromium executable to drive, or undefined when none is installed. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidate = env.CHROMIUM_PATH || DEBIAN_CHROMIUM;
  try {
    accessSync(candidate, constants.X_OK);
    return candidate;
  } catch {
    return undefined;
  }
}

/**
 * Why the browser tests cannot run here, or undefined when they can. Outside CI a missing Chromium
 * skips them with this reason; under CI=true the caller fails with it instead.
 */
export function chromiumUnavailableReason(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (findChromium(env)) return undefined;
  const where = env.CHROMIUM_PATH ? `CHROMIUM_PATH=${env.CHROMIUM_PATH} is not an executable` : `${DEBIAN_CHROMIUM} is missing`;
  return `${where}: install Debian's chromium (apt-get install -y chromium) or point CHROMIUM_PATH at a Chromium binary`;
}

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Saves the viewport (what a 1280×800 screen shows) as test-results/screenshots/<name>.png; returns its path. */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

/** Launches headless Chromium with a fresh, throw-away profile and one 1280×800 page. */
export async function launchBrowser(): Promise<BrowserSession> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error(chromiumUnavailableReason());
  const userDataDir = mkdtempSync(join(tmpdir(), 'causeway-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 800 },
      timeout: 60_000,
    });
  } catch (err) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw err;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return {
    context,
    page,
    async screenshot(name) {
      const path = join(SCREENSHOT_DIR, `${name}.png`);
      await page.screenshot({ path });
      return path;
    },
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** The built UI the browser tests load, served by the collector. */
export const UI_INDEX = resolve(import.meta.dirname, '../../ui/dist/index.html');

/**
 * Why the browser tests cannot run here (no Chromium, or no UI build), and whether they must anyway:
 * with CI set nothing may be skipped (the same rule as test/services/config.js), so a missing piece fails them.
 */
export function browserTestPrerequisites(): { missing: string | undefined; mustRun: boolean } {
  const missing = chromiumUnavailableReason() ?? (existsSync(UI_INDEX) ? undefined : `${UI_INDEX} is missing: run \`npm run build\``);
  const mustRun = process.env.CI === 'true' || process.env.CI === '1';
  if (missing && !mustRun) console.warn(`browser tests skipped: ${missing}`);
  return { missing, mustRun };
}
