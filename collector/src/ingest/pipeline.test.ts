/** The ingest pipeline against a real WAL directory: ordering, batching, retries, backpressure, crash replay. */
import { mkdtemp, open, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SpanRecord } from '../model/span.js';
import { IngestPipeline } from './pipeline.js';
import type { IngestPipelineOptions } from './types.js';

const dirs: string[] = [];
const pipelines: IngestPipeline[] = [];

afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(pipelines.splice(0).map((p) => p.close()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function walDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'causeway-wal-'));
  dirs.push(dir);
  return dir;
}

function makePipeline(options: IngestPipelineOptions): IngestPipeline {
  const pipeline = new IngestPipeline({ retryInitialDelayMs: 5, retryMaxDelayMs: 20, drainTimeoutMs: 200, ...options });
  pipelines.push(pipeline);
  return pipeline;
}

let counter = 0;
/** `count` distinct spans; `spanId` carries a global sequence number so order can be checked. */
function spans(count: number): SpanRecord[] {
  return Array.from({ length: count }, () => {
    const n = ++counter;
    return {
      traceId: 'a'.repeat(32),
      spanId: n.toString(16).padStart(16, '0'),
      name: `op-${n}`,
      kind: 'internal',
      startTime: 1_700_000_000_000 + n,
      endTime: 1_700_000_000_001 + n,
      startTimeUnixNano: String(1_700_000_000_000_000_000n + BigInt(n) * 1_000_000n),
      durationMs: 1,
      statusCode: 'unset',
      service: 'svc',
      resource: { 'service.name': 'svc' },
      attributes: { n, nested: { list: [1, 'two', true, null] } },
      links: [],
      events: [],
    } satisfies SpanRecord;
  });
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('IngestPipeline', () => {
  it('processes everything once, in order, one call at a time when asked, merging queued entries into bounded batches', async () => {
    const batches: SpanRecord[][] = [];
    let active = 0;
    let maxActive = 0;
    const gate = deferred();
    const pipeline = makePipeline({
      walDir: await walDir(),
      maxBatchSpans: 10,
      batchesInFlight: 1,
      process: async (batch) => {
        active += 1;
        maxActive = Math.max(maxActive, active);
        batches.push(batch);
        if (batches.length === 1) await gate.promise; // hold the worker so the rest queues up
        await new Promise((r) => setTimeout(r, 1));
        active -= 1;
      },
    });
    await pipeline.start();
    const submitted = [spans(3), spans(3), spans(3), spans(3), spans(3), spans(2)];
    await pipeline.submit(submitted[0] as SpanRecord[]);
    await vi.waitFor(() => expect(batches).toHaveLength(1));
    const results = await Promise.all(submitted.slice(1).map((batch) => pipeline.submit(batch)));
    expect(results.every((r) => r.accepted)).toBe(true);
    expect(pipeline.stats().backlogSpans).toBe(17);
    gate.resolve();
    await pipeline.idle();

    expect(maxActive).toBe(1);
    expect(batches.flat().map((s) => s.spanId)).toEqual(submitted.flat().map((s) => s.spanId));
    // The first entry alone; then 3+3+3 (a fourth entry would exceed 10); then 3+2.
    expect(batches.map((b) => b.length)).toEqual([3, 9, 5]);
    expect(pipeline.stats()).toMatchObject({ backlogSpans: 0, processedSpans: 17, failedAttempts: 0, walBytes: 0 });
  });

  it('keeps two batches in process by default, completing (and releasing the log) in order even when the later one finishes first or the earlier one fails once', async () => {
    const calls: string[] = [];
    let active = 0;
    let maxActive = 0;
    const firstGate = deferred();
    let firstAttempts = 0;
    const dir = await walDir();
    const pipeline = makePipeline({
      walDir: dir,
      maxBatchSpans: 3,
      process: async (batch) => {
        const name = batch[0]?.spanId ?? '?';
        calls.push(name);
        active += 1;
        maxActive = Math.max(maxActive, active);
        try {
          if (batch === firstBatch || name === firstName) {
            firstAttempts += 1;
            await firstGate.promise;
            if (firstAttempts === 1) throw new Error('store hiccup');
          }
        } finally {
          active -= 1;
        }
      },
    });
    const first = spans(3);
    const firstBatch = first;
    const firstName = first[0]?.spanId;
    await pipeline.start();
    await pipeline.submit(first);
    await pipeline.submit(spans(3));
    await pipeline.submit(spans(3));
    // The second batch runs (and finishes) while the first is still held.
    await vi.waitFor(() => expect(calls).toHaveLength(2));
    expect(maxActive).toBe(2);
    expect(pipeline.stats()).toMatchObject({ processedSpans: 0, backlogSpans: 9 });
    expect(pipeline.stats().walBytes).toBeGreaterThan(0);
    firstGate.resolve();
    await pipeline.idle();
    // First failed once and was retried; nothing counted twice; every batch processed.
    expect(firstAttempts).toBe(2);
    expect(calls.filter((name) => name === firstName)).toHaveLength(2);
    expect(calls).toHaveLength(4);
    expect(pipeline.stats()).toMatchObject({ backlogSpans: 0, processedSpans: 9, failedAttempts: 1, walBytes: 0 });
    await pipeline.close();
  });

  it('splits an entry larger than maxBatchSpans across calls', async () => {
    const batches: SpanRecord[][] = [];
    const pipeline = makePipeline({ walDir: await walDir(), maxBatchSpans: 4, process: async (b) => void batches.push(b) });
    await pipeline.start();
    const big = spans(10);
    await pipeline.submit(big);
    await pipeline.idle();
    expect(batches.map((b) => b.length)).toEqual([4, 4, 2]);
    expect(batches.flat()).toEqual(big);
  });

  it('retries a failing batch with backoff, losing and (one batch at a time) reordering nothing', async () => {
    const seen: string[] = [];
    let failures = 0;
    const pipeline = makePipeline({
      walDir: await walDir(),
      batchesInFlight: 1,
      process: async (batch) => {
        if (failures < 3) {
          failures += 1;
          throw new Error('store unavailable');
        }
        seen.push(...batch.map((s) => s.spanId));
      },
    });
    await pipeline.start();
    const first = spans(2);
    const second = spans(2);
    await pipeline.submit(first);
    await pipeline.submit(second);
    await pipeline.idle();
    expect(seen).toEqual([...first, ...second].map((s) => s.spanId));
    expect(pipeline.stats().failedAttempts).toBe(3);
    expect(pipeline.stats().processedSpans).toBe(4);
  });

  it('refuses with a retry-after while the backlog is over the limit, and accepts again once drained', async () => {
    const gate = deferred();
    const pipeline = makePipeline({ walDir: await walDir(), maxBacklogSpans: 5, process: () => gate.promise });
    await pipeline.start();
    expect(await pipeline.submit(spans(4))).toEqual({ accepted: true });
    const refused = await pipeline.submit(spans(2));
    expect(refused.accepted).toBe(false);
    if (!refused.accepted) expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(pipeline.stats().backlogSpans).toBe(4);
    gate.resolve();
    await pipeline.idle();
    expect(await pipeline.submit(spans(2))).toEqual({ accepted: true });
  });

  it('acknowledges only after the batch is on disk', async () => {
    const dir = await walDir();
    const pipeline = makePipeline({ walDir: dir, process: () => new Promise(() => undefined) });
    await pipeline.start();
    await pipeline.submit(spans(3));
    const segments = (await readdir(dir)).filter((f) => f.endsWith('.wal'));
    expect(segments).toHaveLength(1);
    expect((await stat(join(dir, segments[0] as string))).size).toBe(pipeline.stats().walBytes);
    expect(pipeline.stats().walBytes).toBeGreaterThan(0);
  });

  it('groups concurrent appends into fewer fsyncs than appends', async () => {
    const dir = await walDir();
    const probe = await open(join(dir, 'probe'), 'w');
    const datasync = vi.spyOn(Object.getPrototypeOf(probe) as { datasync(): Promise<void> }, 'datasync');
    await probe.close();
    const pipeline = makePipeline({ walDir: dir, process: () => new Promise(() => undefined) });
    await pipeline.start();
    const results = await Promise.all(Array.from({ length: 50 }, () => pipeline.submit(spans(1))));
    expect(results.every((r) => r.accepted)).toBe(true);
    expect(datasync.mock.calls.length).toBeGreaterThan(0);
    expect(datasync.mock.calls.length).toBeLessThan(50);
  });

  it('replays unprocessed batches after a crash exactly once, then forgets them', async () => {
    const dir = await walDir();
    // First run: `process` never completes, as if the collector died mid-batch.
    const crashed = makePipeline({ walDir: dir, process: () => new Promise(() => undefined) });
    await crashed.start();
    const first = spans(3);
    const second = spans(2);
    await crashed.submit(first);
    await crashed.submit(second);
    await crashed.close(); // drain times out; nothing was processed

    const processed: SpanRecord[] = [];
    const restarted = makePipeline({ walDir: dir, process: async (b) => void processed.push(...b) });
    await restarted.start();
    await restarted.idle();
    expect(processed).toEqual([...first, ...second]);
    expect(restarted.stats()).toMatchObject({ backlogSpans: 0, processedSpans: 5, walBytes: 0 });
    await restarted.close();

    const again: SpanRecord[] = [];
    const third = makePipeline({ walDir: dir, process: async (b) => void again.push(...b) });
    await third.start();
    await third.idle();
    expect(again).toEqual([]);
    expect((await readdir(dir)).filter((f) => f.endsWith('.wal'))).toEqual([]);
  });

  it('replays batches whose processing kept failing when it was closed', async () => {
    const dir = await walDir();
    const failing = makePipeline({ walDir: dir, process: () => Promise.reject(new Error('down')) });
    await failing.start();
    const batch = spans(4);
    await failing.submit(batch);
    await vi.waitFor(() => expect(failing.stats().failedAttempts).toBeGreaterThan(1));
    const pendingIdle = failing.idle();
    await failing.close();
    await expect(pendingIdle).rejects.toThrow(/closed with 4 spans unprocessed/);
    expect(await failing.submit(spans(1))).toEqual({ accepted: false, retryAfterSeconds: 5 });

    const processed: SpanRecord[] = [];
    const restarted = makePipeline({ walDir: dir, process: async (b) => void processed.push(...b) });
    await restarted.start();
    await restarted.idle();
    expect(processed).toEqual(batch);
  });

  it('ignores a torn append at the end of the log (never acknowledged) and keeps what came before', async () => {
    const dir = await walDir();
    const crashed = makePipeline({ walDir: dir, process: () => new Promise(() => undefined) });
    await crashed.start();
    const batch = spans(2);
    await crashed.submit(batch);
    await crashed.close();
    const [segment] = (await readdir(dir)).filter((f) => f.endsWith('.wal'));
    const handle = await open(join(dir, segment as string), 'a');
    await handle.write(Buffer.from([0x01, 0xe0, 0x05, 0xca, 0xff, 0xff])); // half a frame header
    await handle.close();

    const processed: SpanRecord[] = [];
    const warnings: string[] = [];
    const log = { info: () => undefined, error: () => undefined, warn: (_o: object, msg?: string) => void warnings.push(msg ?? '') };
    const restarted = makePipeline({ walDir: dir, log, process: async (b) => void processed.push(...b) });
    await restarted.start();
    await restarted.idle();
    expect(processed).toEqual(batch);
    expect(warnings).toContain('cutting off the damaged end of a WAL segment');
  });

  it('stops replay at a frame whose checksum does not match', async () => {
    const dir = await walDir();
    const crashed = makePipeline({ walDir: dir, process: () => new Promise(() => undefined) });
    await crashed.start();
    const intact = spans(1);
    await crashed.submit(intact);
    const sizeAfterFirst = crashed.stats().walBytes;
    await crashed.submit(spans(1));
    await crashed.close();
    const [segment] = (await readdir(dir)).filter((f) => f.endsWith('.wal'));
    const handle = await open(join(dir, segment as string), 'r+');
    await handle.write(Buffer.from('X'), 0, 1, sizeAfterFirst + 40); // turns an 'a' of the second frame's traceId into 'X': still valid JSON, so only the checksum can catch it
    await handle.close();

    const processed: SpanRecord[] = [];
    const restarted = makePipeline({ walDir: dir, process: async (b) => void processed.push(...b) });
    await restarted.start();
    await restarted.idle();
    expect(processed).toEqual(intact);
  });

  it('spreads the log over segments and replays them in order, deleting each once processed', async () => {
    const dir = await walDir();
    // A 1-byte segment limit puts every append in a segment of its own.
    const crashed = makePipeline({ walDir: dir, maxSegmentBytes: 1, process: () => new Promise(() => undefined) });
    await crashed.start();
    const batches = [spans(2), spans(1), spans(3)];
    for (const batch of batches) await crashed.submit(batch);
    await crashed.close();
    expect((await readdir(dir)).filter((f) => f.endsWith('.wal'))).toHaveLength(3);

    const processed: SpanRecord[] = [];
    const restarted = makePipeline({ walDir: dir, maxBatchSpans: 2, process: async (b) => void processed.push(...b) });
    await restarted.start();
    await restarted.idle();
    expect(processed).toEqual(batches.flat());
    expect((await readdir(dir)).filter((f) => f.endsWith('.wal'))).toEqual([]);
  });

  it('drains the backlog on close() when it can, leaving no WAL behind', async () => {
    const dir = await walDir();
    const processed: SpanRecord[] = [];
    const gate = deferred();
    const pipeline = makePipeline({
      walDir: dir,
      drainTimeoutMs: 30_000,
      process: async (b) => {
        await gate.promise;
        processed.push(...b);
      },
    });
    await pipeline.start();
    const batch = spans(3);
    await pipeline.submit(batch);
    const closing = pipeline.close();
    expect(await pipeline.submit(spans(1))).toMatchObject({ accepted: false }); // stopped accepting at once
    gate.resolve();
    await closing;
    expect(processed).toEqual(batch);
    expect((await readdir(dir)).filter((f) => f.endsWith('.wal'))).toEqual([]);
  });

  it('refuses to share a WAL directory with a running pipeline', async () => {
    const dir = await walDir();
    const first = makePipeline({ walDir: dir, process: async () => undefined });
    await first.start();
    const second = new IngestPipeline({ walDir: dir, process: async () => undefined });
    await expect(second.start()).rejects.toThrow(/already open/);
  });

  it('resolves idle() only once earlier submissions are processed', async () => {
    const gate = deferred();
    const pipeline = makePipeline({ walDir: await walDir(), process: () => gate.promise });
    await pipeline.start();
    await pipeline.idle(); // nothing submitted: immediate
    await pipeline.submit(spans(1));
    let idle = false;
    const waiting = pipeline.idle().then(() => {
      idle = true;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(idle).toBe(false);
    gate.resolve();
    await waiting;
    expect(idle).toBe(true);
  });
});
