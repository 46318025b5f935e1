/**
 * The Lag page in a real browser against `causeway start --demo` (in-process broker, lag polled
 * every second with no broker flags): groups sorted by severity as the API answers them, a group's
 * charts and partitions, a rule added through the form that fires as soon as any group has a
 * message waiting (by chance within seconds, or at the latest in the demo's warehouse outage a
 * minute after start), the rule deleted again, and lag on the topology's consumer edges.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { browserTestPrerequisites, launchBrowser, type BrowserSession } from '../support/browser.js';
import { startCollectorProcess, type CollectorProcess } from '../support/collector-process.js';
import { getJson } from './shop-collector.js';

const { missing, mustRun } = browserTestPrerequisites();

interface StatusAnswer {
  groups: Array<{ group: string; status: string; lag: number; partitions: unknown[] }>;
}

const lagStatus = (url: string): Promise<StatusAnswer> => getJson<StatusAnswer>(`${url}/api/lag/status`);

describe.skipIf(missing !== undefined && !mustRun)('the Lag page in Chromium', () => {
  let collector: CollectorProcess | undefined;
  let browser: BrowserSession | undefined;
  const page = (): Page => browser!.page;

  beforeAll(async () => {
    if (missing) throw new Error(`CI is set and the browser tests cannot run: ${missing}`);
    const started = await Promise.allSettled([
      startCollectorProcess(['--demo', '--lag-interval', '1s', '--lag-window', '5']).then((running) => (collector = running)),
      launchBrowser().then((session) => (browser = session)),
    ]);
    for (const result of started) if (result.status === 'rejected') throw result.reason;
    browser!.page.setDefaultTimeout(20_000);
    // The demo's consumer groups, each with its partition (queue) read.
    await vi.waitFor(
      async () => {
        const { groups } = await lagStatus(collector!.url);
        expect(groups.length).toBeGreaterThanOrEqual(4);
        expect(groups.every((g) => g.partitions.length > 0)).toBe(true);
      },
      { timeout: 60_000, interval: 500 },
    );
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await collector?.stop();
  });

  it('lists the groups worst first, as the API ranks them, with their status and reason', async () => {
    await page().goto(`${collector!.url}/lag`);
    await page().getByTestId('lag-page').waitFor();
    const rows = page().getByTestId('lag-group-row');
    await rows.first().waitFor();
    const { groups } = await lagStatus(collector!.url);
    // Same set of groups; the order of the page's rows follows status severity.
    await vi.waitFor(async () => expect(await rows.count()).toBe(groups.length), { timeout: 15_000, interval: 500 });
    const severity: Record<string, number> = { OK: 0, WARN: 1, REWIND: 2, STALL: 3, STOP: 4 };
    const shown = await rows.evaluateAll((elements) => elements.map((e) => ({ group: e.getAttribute('data-group'), status: e.getAttribute('data-status') })));
    expect(new Set(shown.map((r) => r.group))).toEqual(new Set(groups.map((g) => g.group)));
    const ranks = shown.map((r) => severity[r.status ?? ''] ?? -1);
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
    expect(await rows.first().getByTestId('lag-status').innerText()).toContain(shown[0]!.status!);
    await browser!.screenshot('lag-groups');
  });

  it("opens a group's charts and partitions, and keeps it in the URL", async () => {
    const { groups } = await lagStatus(collector!.url);
    const busiest = [...groups].sort((a, b) => b.lag - a.lag)[0]!;
    await page().goto(`${collector!.url}/lag`);
    const row = page().locator(`[data-testid="lag-group-row"][data-group="${busiest.group}"]`);
    await row.click();
    expect(new URL(page().url()).searchParams.get('group')).toBe(busiest.group);
    await page().getByTestId('lag-chart-messages').waitFor();
    await page().getByTestId('lag-chart-seconds').waitFor();
    // uPlot draws on a canvas once the series arrive.
    await page().locator('[data-testid="lag-chart-messages"] canvas').first().waitFor();
    await vi.waitFor(async () => expect(await page().getByTestId('lag-partition-row').count()).toBe(busiest.partitions.length), { timeout: 15_000, interval: 500 });
    await page().reload();
    await page().getByTestId('lag-chart-messages').waitFor();
    await browser!.screenshot('lag-group');
  });

  it('adds a rule through the form, shows its alert firing, and deletes the rule', async () => {
    await page().goto(`${collector!.url}/lag`);
    const form = page().getByTestId('rule-form');
    await form.getByLabel('Name').fill('anything waiting');
    await form.getByLabel('Metric').selectOption('lag_messages');
    await form.getByLabel(/Threshold/).fill('0');
    await form.getByLabel('Holds for').fill('0s');
    await form.getByRole('button', { name: 'Add rule' }).click();

    const rule = page().locator('[data-testid="rule-row"]').filter({ hasText: 'anything waiting' });
    await rule.waitFor();
    const ruleId = await rule.getAttribute('data-rule-id');
    const rules = (await (await fetch(`${collector!.url}/api/alerts/rules`)).json()) as { rules: Array<{ id: string; name: string; metric: string; threshold: number }> };
    expect(rules.rules).toContainEqual(expect.objectContaining({ id: ruleId, name: 'anything waiting', metric: 'lag_messages', threshold: 0 }));

    // Active, or in the history: the demo's lag flips between 0 and 1 now and then, so the alert
    // may already have resolved again when the page next refreshes. How soon a group has a message
    // waiting is chance (5 to 30 s, the slower on a busy machine); at the latest, the demo's
    // warehouse outage a minute after start holds shipping's lag up, and the page refreshes every 10 s.
    const firing = page().locator('[data-testid="alert-row"][data-state="firing"]').filter({ hasText: 'anything waiting' });
    await firing.first().waitFor({ timeout: 90_000 });
    await browser!.screenshot('lag-alerts');

    await rule.getByRole('button', { name: /Delete rule/ }).click();
    await rule.getByRole('button', { name: 'Yes, delete' }).click();
    await rule.waitFor({ state: 'detached' });
    const after = (await (await fetch(`${collector!.url}/api/alerts/rules`)).json()) as { rules: Array<{ id: string }> };
    expect(after.rules.map((r) => r.id)).not.toContain(ruleId);
  }, 150_000);

  it('shows current lag on the topology\'s consumer edges', async () => {
    await page().goto(`${collector!.url}/topology`);
    await page().getByTestId('topology-graph').waitFor();
    await page().getByTestId('topology-edge-lag').first().waitFor({ timeout: 30_000 });
    expect(await page().getByTestId('topology-edge-lag').first().innerText()).toMatch(/lag/i);
  });
});
