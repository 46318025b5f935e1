/**
 * One ELK layout engine for the app, running in a web worker so laying out a large lineage does
 * not freeze the page. Created on first use; the worker script is a separate asset.
 */
import ELK, { type ELK as ElkEngine } from 'elkjs/lib/elk-api';
import elkWorkerUrl from 'elkjs/lib/elk-worker.min.js?url';

let engine: ElkEngine | undefined;

export function layoutEngine(): ElkEngine {
  engine ??= new ELK({ workerFactory: () => new Worker(elkWorkerUrl) });
  return engine;
}
