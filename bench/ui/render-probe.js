// @ts-nocheck -- runs inside the page (added with Playwright's addInitScript), not in Node.
/**
 * Watches the lineage graph from the first frame of the page and records every frame in which what
 * is drawn changed. "What is drawn" is a signature of the graph: the number of event nodes and
 * "+N more" nodes in the DOM, React Flow's viewport transform, the first and last node's position
 * and the graph's "N events · M folded" line. Times are `performance.now()` in a requestAnimationFrame
 * callback, so they count from the start of the navigation and mark the frame painted right after.
 *
 * "Rendered" is the frame in which the final signature first appeared, once it has not changed for
 * a quiet window and at least one event node is drawn: nodes placed by the ELK layout, the
 * viewport fitted to them, nothing moving any more.
 */
(() => {
  const changes = [];
  let last = '';

  function graphState() {
    const graph = document.querySelector('[data-testid=lineage-graph]');
    const stats = document.querySelector('.graph-stats')?.textContent ?? '';
    if (!graph) return { nodes: 0, more: 0, viewport: '', signature: `no graph|${stats}`, stats };
    const nodes = graph.querySelectorAll('[data-testid=lineage-node]').length;
    const more = graph.querySelectorAll('[data-testid=lineage-more]').length;
    const viewport = graph.querySelector('.react-flow__viewport')?.style.transform ?? '';
    const wrappers = graph.querySelectorAll('.react-flow__node');
    const edgeOf = (el) => (el ? `${el.getAttribute('data-id')}@${el.style.transform}` : '');
    const signature = [nodes, more, viewport, edgeOf(wrappers[0]), edgeOf(wrappers[wrappers.length - 1]), stats].join('|');
    return { nodes, more, viewport, signature, stats };
  }

  function onFrame() {
    const state = graphState();
    if (state.signature !== last) {
      last = state.signature;
      changes.push({ at: performance.now(), nodes: state.nodes, more: state.more, viewport: state.viewport, stats: state.stats });
    }
    requestAnimationFrame(onFrame);
  }
  requestAnimationFrame(onFrame);

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  /** When the response of the first resource whose URL contains `part` finished arriving, if it did. */
  function responseEnd(part) {
    const entry = performance.getEntriesByType('resource').find((e) => e.name.includes(part));
    return entry ? entry.responseEnd : null;
  }

  /**
   * Resolves once the drawing has changed after `since` (if given), shows event nodes, has passed a
   * frame where `reached(change)` held, and has been still for `quietMs`; returns when it first
   * looked like that, with when the lineage API answered and the ELK worker script arrived.
   */
  async function settled({ since = -1, quietMs = 500, timeoutMs = 60_000, reached = () => true } = {}) {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const latest = changes[changes.length - 1];
      const after = changes.filter((change) => change.at > since);
      if (latest && latest.at > since && latest.nodes > 0 && after.some(reached) && performance.now() - latest.at >= quietMs) {
        const firstNodes = after.find((change) => change.nodes > 0);
        return {
          firstNodesAt: firstNodes.at,
          settledAt: latest.at,
          nodes: latest.nodes,
          more: latest.more,
          stats: latest.stats,
          lineageResponseAt: responseEnd('/lineage'),
          elkWorkerLoadedAt: responseEnd('elk-worker'),
        };
      }
      if (performance.now() > deadline) throw new Error(`the lineage graph did not settle within ${timeoutMs} ms (last: ${JSON.stringify(latest)})`);
      await sleep(50);
    }
  }

  /** The "M folded" count of the graph's stats line (0 when nothing is folded). */
  function foldedCount() {
    const match = /(\d+) folded/.exec(document.querySelector('.graph-stats')?.textContent ?? '');
    return match ? Number(match[1]) : 0;
  }

  function eventCount() {
    const match = /(\d+) events?/.exec(document.querySelector('.graph-stats')?.textContent ?? '');
    return match ? Number(match[1]) : 0;
  }

  /**
   * Expands every fold: each round fits the whole graph in view with React Flow's "fit view"
   * control (only nodes in view are in the DOM), clicks every "+N more" node drawn, and waits for
   * the new layout to settle, until the stats line shows nothing folded. Only the time from a
   * round's clicks to its settled frame counts; fitting the view and the quiet windows do not.
   */
  async function expandAll({ quietMs = 500, maxRounds = 50, timeoutMs = 60_000 } = {}) {
    let busyMs = 0;
    let clicks = 0;
    const rounds = [];
    while (foldedCount() > 0) {
      if (rounds.length >= maxRounds) throw new Error(`still ${foldedCount()} events folded after ${maxRounds} rounds`);
      const fit = document.querySelector('.react-flow__controls-fitview');
      if (!fit) throw new Error('the graph has no fit-view control');
      const beforeFit = performance.now();
      fit.click();
      await sleep(quietMs); // the fit may change nothing; give it time to draw either way
      await settled({ quietMs });
      const buttons = [...document.querySelectorAll('[data-testid=lineage-more]')];
      if (buttons.length === 0) throw new Error(`${foldedCount()} events folded but no "+N more" node in view after fitting (fit at ${beforeFit.toFixed(0)} ms)`);
      // Each new layout ends with React Flow fitting the view again, so a changed viewport marks the
      // frame drawn from it; until then only the stats line moves while ELK works in its worker.
      const fittedViewport = changes[changes.length - 1]?.viewport;
      const startedAt = performance.now();
      for (const button of buttons) button.click();
      clicks += buttons.length;
      const done = await settled({ since: startedAt, quietMs, timeoutMs, reached: (change) => change.viewport !== fittedViewport });
      busyMs += done.settledAt - startedAt;
      rounds.push({ clicks: buttons.length, ms: done.settledAt - startedAt, folded: foldedCount() });
    }
    return { busyMs, clicks, rounds, events: eventCount(), drawnNodes: document.querySelectorAll('[data-testid=lineage-node]').length };
  }

  window.__causewayRenderProbe = { settled, expandAll, foldedCount, eventCount };
})();
