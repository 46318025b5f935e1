/**
 * The UI in a real browser against `causeway start --demo` in its own process: find an order,
 * follow its chain across services, open an event's panel, reload a deep link, and use the
 * topology map. Headless Chromium (Debian's) through playwright-core; screenshots of each step go
 * to test-results/screenshots/.
 *
 * What the UI should show is taken from the collector's API first, so each check compares the
 * page with the data behind it. With CI=true a missing Chromium or UI build fails these tests;
 * elsewhere it skips them with the reason.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { browserTestPrerequisites, launchBrowser, type BrowserSession } from '../support/browser.js';
import { findOrderChain, getEventDetail, startShopCollector, type OrderChain } from './shop-collector.js';
import type { CollectorProcess } from '../support/collector-process.js';

const DOCS_SCREENSHOT = resolve(import.meta.dirname, '../../docs/lineage.png');
const DOCS_SCREENSHOT_MAX_BYTES = 300 * 1024;

const { missing, mustRun } = browserTestPrerequisites();

const node = (page: Page, eventType: string) => page.locator(`[data-testid="lineage-node"][data-event-type="${eventType}"]`);
const nodeOf = (page: Page, eventId: string) => page.locator(`[data-testid="lineage-node"][data-event-id="${eventId}"]`);

describe.skipIf(missing !== undefined && !mustRun)('the Causeway UI in Chromium', () => {
  let collector: CollectorProcess | undefined;
  let browser: BrowserSession | undefined;
  let chain: OrderChain;

  beforeAll(async () => {
    if (missing) throw new Error(`CI is set and the browser tests cannot run: ${missing}`);
    // Both start at once; each is kept as soon as it is up, so afterAll stops it even if the other failed.
    const started = await Promise.allSettled([
      startShopCollector().then((running) => (collector = running)),
      launchBrowser().then((session) => (browser = session)),
    ]);
    for (const result of started) if (result.status === 'rejected') throw result.reason;
    browser!.page.setDefaultTimeout(20_000);
    chain = await findOrderChain(collector!.url);
  });

  afterAll(async () => {
    await browser?.close();
    await collector?.stop();
  });

  const page = (): Page => browser!.page;

  it('finds an order by its type and shows its chain across services', async () => {
    await page().goto(collector!.url);
    const search = page().getByTestId('event-search');
    await search.getByLabel('Event type').fill('OrderPlaced');
    await search.getByRole('button', { name: 'Search', exact: true }).click();

    // The list first shows every type; it is filtered once the search answer arrives.
    const results = page().getByTestId('search-result');
    await vi.waitFor(async () => expect(new Set(await results.locator('.result-type').allTextContents())).toEqual(new Set(['OrderPlaced'])), {
      timeout: 20_000,
      interval: 200,
    });
    // Results link to /events/<id> (plus the time range); open the order the API picked.
    const orderPath = `/events/${encodeURIComponent(chain.order.id)}`;
    await page().locator(`[data-testid="search-result"]:is([href="${orderPath}"], [href^="${orderPath}?"])`).click();

    await page().getByTestId('lineage-graph').waitFor();
    const order = nodeOf(page(), chain.order.id);
    const payment = nodeOf(page(), chain.payment.id);
    await payment.waitFor();
    expect(await order.getAttribute('data-event-type')).toBe('OrderPlaced');
    expect(await payment.getAttribute('data-event-type')).toBe('PaymentAuthorized');
    expect(await order.getAttribute('data-service')).toBe(chain.order.service);
    expect(await payment.getAttribute('data-service')).toBe(chain.payment.service);
    expect(chain.order.service).not.toBe(chain.payment.service);
    expect(new URL(page().url()).pathname).toBe(`/events/${encodeURIComponent(chain.order.id)}`);
    await browser!.screenshot('lineage');
  });

  it("opens a node's panel with its consumers and its trace as a waterfall", async () => {
    await page().goto(`${collector!.url}/events/${encodeURIComponent(chain.order.id)}`);
    await nodeOf(page(), chain.payment.id).click();

    const panel = page().getByTestId('event-panel');
    await panel.waitFor();
    await panel.getByText(chain.payment.id, { exact: true }).first().waitFor();
    // One row per consumer the API knows, each naming its service.
    const consumerRows = panel.getByRole('table').getByRole('row').filter({ hasNot: page().getByRole('columnheader') });
    await consumerRows.first().waitFor();
    const { consumers } = await getEventDetail(collector!.url, chain.payment.id);
    expect(await consumerRows.count()).toBe(consumers.length);
    for (const consumer of consumers) {
      expect(await consumerRows.filter({ hasText: consumer.service }).count()).toBeGreaterThan(0);
    }
    // The payment's trace as a timeline, including the span that published it.
    const waterfall = panel.getByTestId('trace-waterfall');
    await waterfall.getByRole('button').filter({ hasText: chain.paymentSendSpanName }).first().waitFor();
    await waterfall.getByText(chain.payment.service!, { exact: true }).first().waitFor();
    await browser!.screenshot('event-panel');

    if (process.env.CAUSEWAY_UPDATE_DOCS_SCREENSHOT) {
      // The README's picture (graph, panel and waterfall): the viewport only (1280×800), kept small enough to commit.
      await page().screenshot({ path: DOCS_SCREENSHOT });
      expect(statSync(DOCS_SCREENSHOT).size).toBeLessThan(DOCS_SCREENSHOT_MAX_BYTES);
    }
  });

  it('keeps the lineage when a deep link is reloaded', async () => {
    const deepLink = `${collector!.url}/events/${encodeURIComponent(chain.payment.id)}`;
    const response = await page().goto(deepLink);
    expect(response?.status()).toBe(200);
    await page().reload();
    await page().getByTestId('lineage-graph').waitFor();
    await node(page(), 'OrderPlaced').first().waitFor();
    await node(page(), 'PaymentAuthorized').first().waitFor();
    expect(page().url()).toBe(deepLink);
  });

  it('opens the topology from the navigation and lists the events on an edge', async () => {
    await page().goto(collector!.url);
    await page().getByRole('link', { name: 'Topology' }).click();
    expect(new URL(page().url()).pathname).toBe('/topology');

    await page().getByTestId('topology-graph').waitFor();
    const edges = page().getByTestId('topology-edge');
    await edges.first().waitFor();
    expect(await edges.count()).toBeGreaterThan(0);
    await browser!.screenshot('topology');

    // Every label sits where the layout left room for it: clear of the nodes and of each other,
    // and its text fits the size the layout was given (nothing clipped).
    // The tests compile without the DOM's types: the few members used, as the page has them.
    interface Drawn {
      getBoundingClientRect(): { x: number; y: number; width: number; height: number };
      getAttribute(name: string): string | null;
      textContent: string | null;
      scrollWidth: number;
      clientWidth: number;
      scrollHeight: number;
      clientHeight: number;
    }
    const boxesOf = (what: string) =>
      page()
        .getByTestId(what)
        .evaluateAll((elements) =>
          (elements as unknown as Drawn[]).map((element) => {
            const { x, y, width, height } = element.getBoundingClientRect();
            const clipped = element.scrollWidth > element.clientWidth || element.scrollHeight > element.clientHeight;
            return { what: element.getAttribute('aria-label') ?? element.textContent ?? '', x, y, width, height, clipped };
          }),
        );
    const labels = await boxesOf('topology-edge');
    const drawn = { boxes: [...(await boxesOf('topology-node')), ...labels], clipped: labels.filter((label) => label.clipped).map((label) => label.what) };
    expect(drawn.clipped).toEqual([]);
    for (const [i, a] of drawn.boxes.entries()) {
      for (const b of drawn.boxes.slice(i + 1)) {
        const overlap = a.x < b.x + b.width - 0.5 && b.x < a.x + a.width - 0.5 && a.y < b.y + b.height - 0.5 && b.y < a.y + a.height - 0.5;
        expect(overlap, `${a.what} overlaps ${b.what}`).toBe(false);
      }
    }

    // A publish edge (service → destination): every event listed must be one that service published there.
    await page().locator('[data-testid="topology-edge"][data-edge-role="produce"]').first().click();
    const edgeEvents = page().getByTestId('edge-events');
    const [service, destination] = (await edgeEvents.getByRole('heading').first().innerText()).split(' → ');
    expect(service && destination).toBeTruthy();
    const listed = edgeEvents.getByRole('link');
    await listed.first().waitFor();
    const routes = await listed.locator('.result-route').allInnerTexts();
    expect(routes.length).toBeGreaterThan(0);
    for (const route of routes) expect(route.startsWith(`${service} → ${destination} `), route).toBe(true);
    await browser!.screenshot('topology-edge-events');

    await page().getByRole('link', { name: 'Lineage' }).click();
    await page().getByTestId('event-search').waitFor();
  });
});
