/**
 * The Dead letters page in a real browser against `causeway start --demo` (every 25th order is
 * poisoned and dead-letters after three attempts): hotspots as the API ranks them, the drill-down
 * list of a hotspot, one dead letter's error and lineage link, and a redrive through the demo's
 * broker: refused with a wrong admin token, then dry run, confirm, and the message back in its group.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { browserTestPrerequisites, launchBrowser, type BrowserSession } from '../support/browser.js';
import { startCollectorProcess, type CollectorProcess } from '../support/collector-process.js';
import { getJson } from './shop-collector.js';

const { missing, mustRun } = browserTestPrerequisites();

const TOKEN = 'e2e-admin-token';

interface HotspotAnswer {
  rows: Array<{ key: Record<string, string>; count: number }>;
}
interface ListAnswer {
  deadLetters: Array<{ id: string; eventId: string; error: { fingerprint: string; type: string | null } }>;
}


describe.skipIf(missing !== undefined && !mustRun)('the Dead letters page in Chromium', () => {
  let collector: CollectorProcess | undefined;
  let browser: BrowserSession | undefined;
  const page = (): Page => browser!.page;

  beforeAll(async () => {
    if (missing) throw new Error(`CI is set and the browser tests cannot run: ${missing}`);
    const started = await Promise.allSettled([
      startCollectorProcess(['--demo', '--admin-token', TOKEN]).then((running) => (collector = running)),
      launchBrowser().then((session) => (browser = session)),
    ]);
    for (const result of started) if (result.status === 'rejected') throw result.reason;
    browser!.page.setDefaultTimeout(20_000);
    // The demo poisons every 25th order at 3 orders/s: a dead letter about every 8 s.
    await vi.waitFor(async () => expect((await getJson<ListAnswer>(`${collector!.url}/api/deadletters`)).deadLetters.length).toBeGreaterThanOrEqual(2), {
      timeout: 60_000,
      interval: 1000,
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await collector?.stop();
  });

  it('shows the hotspots the API ranks, and a hotspot\'s dead letters', async () => {
    await page().goto(`${collector!.url}/dead-letters`);
    await page().getByTestId('deadletters-page').waitFor();
    const rows = page().getByTestId('hotspot-row');
    await rows.first().waitFor();
    const first = await rows.first().getAttribute('data-fingerprint');
    const hotspots = await getJson<HotspotAnswer>(`${collector!.url}/api/deadletters/hotspots?groupBy=fingerprint`);
    expect(hotspots.rows.map((r) => r.key.fingerprint)).toContain(first);
    const shownCount = Number(await rows.first().getAttribute('data-count'));
    expect(shownCount).toBeGreaterThan(0);

    await rows.first().click();
    expect(new URL(page().url()).searchParams.get('fingerprint')).toBe(first);
    const listed = page().getByTestId('deadletter-row');
    await listed.first().waitFor();
    const ids = await listed.evaluateAll((elements) => elements.map((e) => e.getAttribute('data-id')));
    const api = await getJson<ListAnswer>(`${collector!.url}/api/deadletters?fingerprint=${encodeURIComponent(first!)}`);
    for (const id of ids) expect(api.deadLetters.map((d) => d.id)).toContain(id);
    await browser!.screenshot('dead-letters');
  });

  it('opens one dead letter with its error and a link into its lineage', async () => {
    const { deadLetters } = await getJson<ListAnswer>(`${collector!.url}/api/deadletters?limit=1`);
    const record = deadLetters[0]!;
    await page().goto(`${collector!.url}/dead-letters/${encodeURIComponent(record.id)}`);
    const detail = page().getByTestId('deadletter-detail');
    await detail.waitFor();
    if (record.error.type) await detail.getByText(record.error.type).first().waitFor();
    const link = detail.getByTestId('deadletter-lineage-link');
    expect(await link.getAttribute('href')).toContain(`/events/${encodeURIComponent(record.eventId)}`);
    await browser!.screenshot('dead-letter');
  });

  it('redrives a dead letter through the demo broker: a wrong token is refused, then dry run and confirm', async () => {
    const { deadLetters } = await getJson<ListAnswer>(`${collector!.url}/api/deadletters?limit=1`);
    const record = deadLetters[0]!;
    await page().goto(`${collector!.url}/dead-letters/${encodeURIComponent(record.id)}`);
    await page().getByTestId('redrive-button').click();
    const dialog = page().getByTestId('redrive-dialog');
    await dialog.waitFor();
    await dialog.getByLabel('Admin token').fill('guess');
    await dialog.getByTestId('redrive-dry-run-button').click();
    await dialog.getByTestId('redrive-error').waitFor();
    expect(await dialog.getByTestId('redrive-error').innerText()).toMatch(/token/i);

    await dialog.getByLabel('Admin token').fill(TOKEN);
    await dialog.getByTestId('redrive-dry-run-button').click();
    const dryRun = dialog.getByTestId('redrive-dry-run');
    await dryRun.waitFor();
    expect(await dryRun.getAttribute('data-republish')).toBe('1');
    await dialog.getByTestId('redrive-confirm').click();
    const result = dialog.getByTestId('redrive-result');
    await result.waitFor();
    expect(await result.getAttribute('data-republish')).toBe('1');
    await browser!.screenshot('redrive');

    // The audit log has both attempts, and the message went back to the group that failed it.
    const detail = await getJson<{ redrives: Array<{ result: string; target: { destination: string } | null }> }>(`${collector!.url}/api/deadletters/${encodeURIComponent(record.id)}`);
    expect(detail.redrives.map((r) => r.result).sort()).toEqual(['republished', 'would-republish']);
    expect(detail.redrives.find((r) => r.result === 'republished')?.target?.destination).toBeTruthy();
  });
});
