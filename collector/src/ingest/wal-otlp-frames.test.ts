/**
 * Write-ahead-log frames that hold the OTLP request body as received: replay (after a crash, or a
 * read of an entry no longer in memory) decodes it again into the spans the live path accepted;
 * corruption is caught by the checksum; frames written by earlier versions (spans as JSON) still replay.
 */
import { mkdtemp, open, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { SpanKind } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { SpanRecord } from '../model/span.js';
import { decodeOtlpBatch } from './otlp-batch.js';
import type { OtlpBody } from './otlp-batch.js';
import { IngestPipeline } from './pipeline.js';
import { WriteAheadLog } from './wal.js';
import { encodeOtlpFrame } from './wal-frame.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function walDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'causeway-wal-otlp-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

interface Logged {
  warnings: string[];
  log: { info: () => void; error: () => void; warn: (obj: object, msg?: string) => void };
}

function logged(): Logged {
  const warnings: string[] = [];
  return { warnings, log: { info: () => undefined, error: () => undefined, warn: (_obj, msg) => void warnings.push(msg ?? '') } };
}

/** A pipeline whose `process` never finishes: what it accepted stays in the WAL, as after kill -9. */
async function crashedAfterAccepting(dir: string, batches: OtlpBody[]): Promise<void> {
  const crashed = new IngestPipeline({ walDir: dir, drainTimeoutMs: 50, process: () => new Promise(() => undefined) });
  await crashed.start();
  for (const source of batches) await crashed.submit(decodeOtlpBatch(source).spans, source);
  await crashed.close();
}

/** Starts a pipeline on `dir` and returns every span it replays. */
async function replay(dir: string, log?: Logged['log']): Promise<{ spans: SpanRecord[]; pipeline: IngestPipeline }> {
  const spans: SpanRecord[] = [];
  const pipeline = new IngestPipeline({ walDir: dir, ...(log ? { log } : {}), process: async (batch) => void spans.push(...batch) });
  cleanups.push(() => pipeline.close());
  await pipeline.start();
  await pipeline.idle();
  return { spans, pipeline };
}

async function exporterBody(format: OtlpBody['format'], count: number): Promise<OtlpBody> {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'orders' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('wal-test');
  for (let i = 0; i < count; i++) {
    const span = tracer.startSpan(`orders send ${i}`, { kind: SpanKind.PRODUCER, attributes: { 'messaging.system': 'kafka', i, tags: ['a', 'b'] } });
    span.addEvent('sent', { bytes: 10 * i });
    span.end();
  }
  await provider.forceFlush();
  const spans = exporter.getFinishedSpans();
  await provider.shutdown();
  const serializer = format === 'protobuf' ? ProtobufTraceSerializer : JsonTraceSerializer;
  return { body: Buffer.from(serializer.serializeRequest(spans) ?? new Uint8Array()), format };
}

/** An OTLP/JSON body with two valid spans and one the decoder rejects (partial success). */
function bodyWithRejectedSpan(): OtlpBody {
  const span = (spanId: string, name: string) => ({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId, name, kind: 4, startTimeUnixNano: '1700000000000000001', endTimeUnixNano: '1700000000002000001' });
  const request = {
    resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'billing' } }] },
      scopeSpans: [{ scope: { name: 'lib' }, spans: [span('b7ad6b7169203331', 'ok-1'), span('not-hex', 'bad'), span('b7ad6b7169203332', 'ok-2')] }],
    }],
  };
  return { body: Buffer.from(JSON.stringify(request)), format: 'json' };
}

/** A frame exactly as collectors before the OTLP frame wrote it: 16-byte header (magic 0xca05e001) + spans as JSON. */
function legacySpanFrame(spans: SpanRecord[]): Buffer {
  const payload = Buffer.from(JSON.stringify(spans), 'utf8');
  const header = Buffer.alloc(16);
  header.writeUInt32LE(0xca05e001, 0);
  header.writeUInt32LE(payload.length, 4);
  header.writeUInt32LE(spans.length, 8);
  header.writeUInt32LE(crc32(payload, crc32(header.subarray(4, 12))), 12);
  return Buffer.concat([header, payload]);
}

function legacySpans(names: string[]): SpanRecord[] {
  return names.map((name, i) => ({
    traceId: 'c'.repeat(32),
    spanId: (i + 1).toString(16).padStart(16, '0'),
    name,
    kind: 'consumer',
    startTime: 1_700_000_000_000 + i,
    endTime: 1_700_000_000_003 + i,
    startTimeUnixNano: String(1_700_000_000_000_000_000n + BigInt(i) * 1_000_000n),
    durationMs: 3,
    statusCode: 'error',
    statusMessage: 'boom',
    service: 'shipping',
    resource: { 'service.name': 'shipping' },
    attributes: { attempt: i, nested: { list: [1, 'two', true, null] } },
    links: [{ traceId: 'd'.repeat(32), spanId: 'e'.repeat(16), attributes: {} }],
    events: [{ name: 'exception', time: 1_700_000_000_001, attributes: { 'exception.message': 'boom' } }],
  }));
}

async function segmentFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.endsWith('.wal')).sort();
}

describe('write-ahead log frames holding the OTLP request body', () => {
  it.each(['protobuf', 'json'] as const)('replays a logged %s body after a crash as exactly the spans the live path accepted', async (format) => {
    const dir = await walDir();
    const first = await exporterBody(format, 3);
    const second = await exporterBody(format, 2);
    const live = [...decodeOtlpBatch(first).spans, ...decodeOtlpBatch(second).spans];
    await crashedAfterAccepting(dir, [first, second]);
    // The body is logged as received (20-byte header each), not re-encoded.
    const [segment] = await segmentFiles(dir);
    expect((await stat(join(dir, segment as string))).size).toBe(40 + first.body.byteLength + second.body.byteLength);

    const { spans, pipeline } = await replay(dir);
    expect(spans).toHaveLength(5);
    expect(spans).toEqual(live);
    expect(pipeline.stats()).toMatchObject({ backlogSpans: 0, processedSpans: 5, walBytes: 0 });
  });

  it.each(['protobuf', 'json'] as const)('decodes a %s entry again when it is no longer held in memory', async (format) => {
    const dir = await walDir();
    const { wal } = await WriteAheadLog.open({ dir, onDurable: () => undefined }); // no in-memory entries
    cleanups.push(() => wal.close());
    const source = await exporterBody(format, 4);
    const live = decodeOtlpBatch(source).spans;
    const entry = await wal.append(live, source);
    expect(entry.spanCount).toBe(4);
    expect(await wal.read(entry)).toEqual(live);
  });

  it('replays only the spans accepted at the time, not the ones the client was told were rejected', async () => {
    const dir = await walDir();
    const source = bodyWithRejectedSpan();
    const live = decodeOtlpBatch(source);
    expect(live.rejectedSpans).toBe(1);
    await crashedAfterAccepting(dir, [source]);
    const { spans } = await replay(dir);
    expect(spans.map((s) => s.name)).toEqual(['ok-1', 'ok-2']);
    expect(spans).toEqual(live.spans);
  });

  it('detects a corrupted body by its checksum, even when the bytes still decode', async () => {
    const dir = await walDir();
    const intact = await exporterBody('protobuf', 1);
    const damaged = await exporterBody('protobuf', 2);
    await crashedAfterAccepting(dir, [intact, damaged]);
    const [segment] = await segmentFiles(dir);
    const path = join(dir, segment as string);
    // Turn "orders send 1" into "orders send X" inside the second frame: still a valid protobuf body.
    const nameAt = (damaged.body as Buffer).indexOf('orders send 1');
    expect(nameAt).toBeGreaterThan(0);
    const offset = 20 + intact.body.byteLength + 20 + nameAt + 'orders send '.length;
    const handle = await open(path, 'r+');
    await handle.write(Buffer.from('X'), 0, 1, offset);
    await handle.close();

    const { warnings, log } = logged();
    const { spans } = await replay(dir, log);
    expect(spans).toEqual(decodeOtlpBatch(intact).spans);
    expect(warnings).toContain('cutting off the damaged end of a WAL segment');
  });

  it('refuses to read back an entry whose body was corrupted after it was appended', async () => {
    const dir = await walDir();
    const { wal } = await WriteAheadLog.open({ dir, onDurable: () => undefined });
    cleanups.push(() => wal.close());
    const source = await exporterBody('json', 2);
    const entry = await wal.append(decodeOtlpBatch(source).spans, source);
    const [segment] = await segmentFiles(dir);
    const handle = await open(join(dir, segment as string), 'r+');
    await handle.write(Buffer.from(' '), 0, 1, entry.offset + entry.byteLength - 1); // '}' → ' ': still valid JSON
    await handle.close();
    await expect(wal.read(entry)).rejects.toThrow(/corrupt/);
  });

  it('replays frames written by earlier versions (spans as JSON), followed by new ones', async () => {
    const dir = await walDir();
    const old = [legacySpans(['settle-1', 'settle-2']), legacySpans(['settle-3'])];
    await writeFile(join(dir, '0000000000000001.wal'), Buffer.concat(old.map(legacySpanFrame)));
    const { spans: replayed, pipeline } = await replay(dir);
    expect(replayed).toEqual(old.flat());
    await pipeline.close();

    // One segment mixing both frame types (an old run's tail, then this version's appends) reads in order.
    const source = await exporterBody('protobuf', 2);
    const fresh = encodeOtlpFrame(source, 2);
    await writeFile(join(dir, '0000000000000002.wal'), Buffer.concat([legacySpanFrame(old[1] as SpanRecord[]), ...fresh.chunks]));
    const { spans } = await replay(dir);
    expect(spans).toEqual([...(old[1] as SpanRecord[]), ...decodeOtlpBatch(source).spans]);
  });

  it('processes every span of a body that decodes to a different count than logged, and keeps the backlog count right', async () => {
    const dir = await walDir();
    const source = await exporterBody('protobuf', 3);
    // As if an older decoder had accepted 5 spans from these bytes (the CRC is valid, the count differs).
    await writeFile(join(dir, '0000000000000001.wal'), Buffer.concat(encodeOtlpFrame(source, 5).chunks));
    const { warnings, log } = logged();
    const { spans, pipeline } = await replay(dir, log);
    expect(spans).toEqual(decodeOtlpBatch(source).spans);
    expect(pipeline.stats()).toMatchObject({ backlogSpans: 0, processedSpans: 3 });
    expect(warnings).toContain('a write-ahead log entry decoded to a different number of spans than when it was accepted');
  });
});
