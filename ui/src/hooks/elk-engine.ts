/**
 * One ELK layout engine for the app, running in a web worker so laying out a large lineage does
 * not freeze the page. Created by the first layout, or earlier by a page warming it up; the worker
 * script is a separate asset.
 */
import { useEffect } from 'react';
import ELK, { type ELK as ElkEngine } from 'elkjs/lib/elk-api';
import elkWorkerUrl from 'elkjs/lib/elk-worker.min.js?url';
import { layoutLeftToRight, type LayoutEdge, type LayoutNode } from '../model/layout';

let engine: ElkEngine | undefined;
let warmedUp = false;

export function layoutEngine(): ElkEngine {
  engine ??= new ELK({ workerFactory: () => new Worker(elkWorkerUrl) });
  return engine;
}

/**
 * For a page about to draw a graph: starts the engine while the page's data is still loading. The
 * worker script is the app's largest download (~460 KiB gzip), and a fresh worker runs ELK's code
 * slowly until it has run it a while: laying out a small lineage-shaped tree first takes both off
 * the path to the first drawing. On the 1,000-event lineage of `npm run bench -- --only ui`, the
 * first view settled ~20 % sooner than with neither, and sooner than with a two-node warm-up.
 */
export function useLayoutEngineWarmUp(): void {
  useEffect(() => {
    if (warmedUp) return;
    warmedUp = true;
    const { nodes, edges } = warmUpTree();
    // A failure here shows again, through the page's own error handling, on the real layout.
    layoutLeftToRight(layoutEngine(), nodes, edges).catch(() => undefined);
  }, []);
}

/** 1 → 3 → 9 → 27 nodes, each about the size of a drawn one. */
function warmUpTree(): { nodes: LayoutNode[]; edges: LayoutEdge[] } {
  const nodes: LayoutNode[] = [{ id: 'n', width: 220, height: 64 }];
  const edges: LayoutEdge[] = [];
  let level = ['n'];
  for (let depth = 1; depth <= 3; depth++) {
    const next: string[] = [];
    for (const parent of level) {
      for (let i = 0; i < 3; i++) {
        const id = `${parent}.${i}`;
        nodes.push({ id, width: 220, height: 64 });
        edges.push({ id: `${parent}>${id}`, source: parent, target: id });
        next.push(id);
      }
    }
    level = next;
  }
  return { nodes, edges };
}
