/** Messages between the SQLite store (`writer.ts`) and its writer thread (`writer-worker.ts`). */
import type { WriteName } from './writes.js';

export interface WriterWorkerData {
  path: string;
}

export type WriterRequest = { type: 'write'; id: number; name: WriteName; args: unknown[] } | { type: 'close' };

export type WriterReply =
  | { type: 'ready' }
  | { type?: undefined; id: number; ok: true; value: unknown }
  | { type?: undefined; id: number; ok: false; message: string; code: string | undefined };
