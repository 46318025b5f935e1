/**
 * UI performance (issue #3): how long headless Chromium takes to draw a 1,000-event lineage and to
 * expand all of its folds, and how big the UI bundle is gzip-compressed.
 *
 * A built collector runs as a user runs it (`causeway start`, own process, fresh data dir, the
 * embedded store, serving ui/dist). The lineage goes in as OTLP spans, so the real correlator builds
 * it; the bench waits until the lineage API returns every event. Each repetition opens
 * `/events/<root>` in a fresh tab of one browser (HTTP cache warm after an untimed first load) and
 * reads the times the in-page probe (render-probe.js) recorded.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, chromiumUnavailableReason } from '../../test/support/browser.js';
import { startCollectorProcess } from '../../test/support/collector-process.js';
import type { Report } from '../lib/report.js';
import { log, repoRoot } from '../lib/services.js';
import { percentile } from '../lib/stats.js';
import { measureBundle } from './bundle-size.js';
import { buildLineageTree } from './lineage-tree.js';

export interface UiSizes {
  /** Timed page loads (after one untimed warm-up load). */
  repetitions: number;
  /**
   * How many of those loads also time expanding every fold. Fewer: laying out the whole lineage
   * takes ELK far longer than the first, folded view (see docs/performance.md).
   */
  expandRepetitions: number;
  /** Events in the lineage, root included. */
  events: number;
}

/** How long the drawing must stay unchanged to count as settled (see render-probe.js). */
const QUIET_MS = 500;
/** Patience for one round of expansion: laying out ~1,000 nodes has taken ELK minutes on a busy 2-core machine. */
const EXPAND_TIMEOUT_MS = 10 * 60_000;
const PROBE = fileURLToPath(new URL('./render-probe.js', import.meta.url));

interface Settled {
  firstNodesAt: number;
  settledAt: number;
  nodes: number;
  more: number;
  stats: string;
  /** responseEnd of the lineage API call and of the ELK worker script, ms from navigation start. */
  lineageResponseAt: number | null;
  elkWorkerLoadedAt: number | null;
}

interface Expanded {
  busyMs: number;
  clicks: number;
  rounds: Array<{ clicks: number; ms: number; folded: number }>;
  events: number;
  drawnNodes: number;
}

export async function runUiBench(report: Report, sizes: UiSizes): Promise<void> {
  const assets = join(repoRoot, 'ui/dist/assets');
  if (!existsSync(join(repoRoot, 'ui/dist/index.html'))) throw new Error('ui/dist/index.html missing: run `npm run build` first');
  reportBundle(report, assets);

  const unavailable = chromiumUnavailableReason();
  if (unavailable) {
    report.note(`ui: render timings skipped: ${unavailable}`);
    log(`ui: ${unavailable}`);
    return;
  }
  const collector = await startCollectorProcess();
  try {
    const tree = buildLineageTree(sizes.events, `bench-ui-${Date.now().toString(36)}`, Date.now() - 5 * 60_000);
    await postSpans(collector.url, tree.requests);
    const loaded = await waitForLineage(collector.url, tree.rootId, tree.events);
    log(`ui: lineage of ${tree.rootId}: ${loaded} events over ${tree.levels} levels correlated by the collector`);
    report.add({ key: 'ui.lineage.events', label: 'ui: lineage events (root + effects)', value: loaded, unit: 'events' });
    await measureInBrowser(report, `${collector.url}/events/${encodeURIComponent(tree.rootId)}`, sizes);
  } catch (err) {
    throw new Error(`${err instanceof Error ? err.message : String(err)}\ncollector output:\n${collector.output().slice(-2000)}`);
  } finally {
    await collector.stop();
  }
}

function reportBundle(report: Report, assets: string): void {
  const bundle = measureBundle(assets);
  const kib = (bytes: number) => bytes / 1024;
  for (const [name, label, sizes] of [
    ['js', 'app JavaScript', bundle.js],
    ['css', 'CSS', bundle.css],
    ['elkWorker', 'ELK layout worker', bundle.elkWorker],
  ] as const) {
    report.add({ key: `ui.bundle.${name}.gzipKiB`, label: `ui bundle: ${label}, gzip -9 (${sizes.files} file${sizes.files === 1 ? '' : 's'})`, value: kib(sizes.gzipBytes), unit: 'KiB' });
    report.add({ key: `ui.bundle.${name}.rawKiB`, label: `ui bundle: ${label}, raw`, value: kib(sizes.rawBytes), unit: 'KiB' });
  }
  report.add({ key: 'ui.bundle.initial.gzipKiB', label: 'ui bundle: first load (JS + CSS), gzip -9', value: kib(bundle.js.gzipBytes + bundle.css.gzipBytes), unit: 'KiB' });
}

async function postSpans(url: string, requests: object[]): Promise<void> {
  for (const body of requests) {
    const response = await fetch(`${url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`POST /v1/traces: ${response.status} ${await response.text()}`);
  }
}

/** Polls the lineage API until the correlator has linked every event to the root; returns the count. */
async function waitForLineage(url: string, rootId: string, expected: number, timeoutMs = 120_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let seen = 0;
  while (Date.now() < deadline) {
    const response = await fetch(`${url}/api/events/${encodeURIComponent(rootId)}/lineage?direction=both&depth=10`);
    if (response.ok) {
      const lineage = (await response.json()) as { nodes: unknown[]; truncated: boolean };
      seen = lineage.nodes.length;
      if (seen >= expected) return seen;
    } else if (response.status !== 404) {
      throw new Error(`GET lineage: ${response.status} ${await response.text()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the collector linked ${seen} of ${expected} events to ${rootId} within ${timeoutMs} ms`);
}

async function measureInBrowser(report: Report, pageUrl: string, { repetitions, expandRepetitions }: UiSizes): Promise<void> {
  const browser = await launchBrowser();
  try {
    await browser.context.addInitScript({ path: PROBE });
    const firstNodes: number[] = [];
    const rendered: number[] = [];
    const expandMs: number[] = [];
    const lineageAnswered: number[] = [];
    const workerLoaded: number[] = [];
    let lastExpanded: Expanded | undefined;
    let lastSettled: Settled | undefined;
    // Repetition 0 is the untimed warm-up: it fills the HTTP cache and compiles the bundle once.
    for (let repetition = 0; repetition <= repetitions; repetition++) {
      const page = await browser.context.newPage();
      try {
        await page.goto(pageUrl);
        const settled = (await page.evaluate(`window.__causewayRenderProbe.settled({ quietMs: ${QUIET_MS} })`)) as Settled;
        const run = repetition === 0 ? 'warm-up' : `run ${repetition}/${repetitions}`;
        log(
          `ui: ${run}: lineage API answered ${settled.lineageResponseAt?.toFixed(0) ?? '?'} ms, ELK worker loaded ${settled.elkWorkerLoadedAt?.toFixed(0) ?? '?'} ms, ` +
            `first nodes ${settled.firstNodesAt.toFixed(0)} ms, settled ${settled.settledAt.toFixed(0)} ms (${settled.nodes} drawn, "${settled.stats}")`,
        );
        if (repetition === 0) continue;
        firstNodes.push(settled.firstNodesAt);
        rendered.push(settled.settledAt);
        lastSettled = settled;
        if (settled.lineageResponseAt !== null) lineageAnswered.push(settled.lineageResponseAt);
        if (settled.elkWorkerLoadedAt !== null) workerLoaded.push(settled.elkWorkerLoadedAt);
        if (expandMs.length >= expandRepetitions) continue;
        const expanded = (await page.evaluate(`window.__causewayRenderProbe.expandAll({ quietMs: ${QUIET_MS}, timeoutMs: ${EXPAND_TIMEOUT_MS} })`)) as Expanded;
        log(`ui: ${run}: expand all ${expanded.busyMs.toFixed(0)} ms over ${expanded.rounds.length} round(s) of ${expanded.clicks} clicks → ${expanded.events} events, nothing folded`);
        expandMs.push(expanded.busyMs);
        lastExpanded = expanded;
      } finally {
        await page.close();
      }
    }
    const add = (key: string, label: string, samples: number[]) => {
      report.add({ key: `${key}.p50Ms`, label: `${label} median`, value: percentile(samples, 50), unit: 'ms' });
      report.add({ key: `${key}.p95Ms`, label: `${label} p95`, value: percentile(samples, 95), unit: 'ms' });
    };
    add('ui.render.firstNodes', `ui render: navigation → first lineage nodes drawn (${repetitions} loads)`, firstNodes);
    add('ui.render.settled', 'ui render: navigation → lineage drawn and settled', rendered);
    // Where the time goes: both happen before the first layout can start.
    report.add({ key: 'ui.render.lineageAnswered.p50Ms', label: 'ui render: of which navigation → lineage API answered, median', value: percentile(lineageAnswered, 50), unit: 'ms' });
    report.add({ key: 'ui.render.elkWorkerLoaded.p50Ms', label: 'ui render: of which navigation → ELK worker script loaded, median', value: percentile(workerLoaded, 50), unit: 'ms' });
    if (lastSettled) report.add({ key: 'ui.render.initialEvents', label: 'ui render: event nodes drawn on first view (in the viewport)', value: lastSettled.nodes, unit: 'nodes' });
    add('ui.expand.all', `ui expand: click every "+N more" → all events laid out and drawn (${expandMs.length} run${expandMs.length === 1 ? '' : 's'})`, expandMs);
    if (lastExpanded) {
      report.add({ key: 'ui.expand.rounds', label: 'ui expand: rounds of clicks until nothing is folded', value: lastExpanded.rounds.length, unit: 'rounds' });
      report.add({ key: 'ui.expand.clicks', label: 'ui expand: "+N more" nodes clicked', value: lastExpanded.clicks, unit: 'clicks' });
      report.add({ key: 'ui.expand.events', label: 'ui expand: events in the graph, nothing folded', value: lastExpanded.events, unit: 'events' });
    }
    report.note(
      `ui: "settled" = the first frame of the final drawing (nodes, viewport, folds unchanged for ${QUIET_MS} ms), timed by performance.now() in requestAnimationFrame from navigation start; viewport 1280×800, HTTP cache warm`,
    );
  } finally {
    await browser.close();
  }
}
