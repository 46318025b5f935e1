/** `POST /v1/traces` at the HTTP level (app.inject), with a real ingest pipeline and WAL behind it. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { SpanKind } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { IngestPipeline } from '../ingest/pipeline.js';
import type { SpanRecord } from '../model/span.js';
import { ExportTraceServiceResponseType, RpcStatusType } from '../otlp/schema.js';
import otlpRoutes from './otlp.js';
import type { OtlpRoutesOptions } from './otlp.js';

const PROTOBUF = { 'content-type': 'application/x-protobuf' };
const JSON_TYPE = { 'content-type': 'application/json' };
const MAX_BODY = 64 * 1024;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Harness {
  app: FastifyInstance;
  pipeline: IngestPipeline;
  /** Every batch `process` received. */
  batches: SpanRecord[][];
}

async function harness(options: { maxBacklogSpans?: number; process?: (spans: SpanRecord[]) => Promise<void> } = {}): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'causeway-otlp-'));
  const batches: SpanRecord[][] = [];
  const pipeline = new IngestPipeline({
    walDir: dir,
    maxBacklogSpans: options.maxBacklogSpans,
    drainTimeoutMs: 100,
    process: options.process ?? (async (spans) => void batches.push(spans)),
  });
  await pipeline.start();
  const app = await appWith({ pipeline, maxBodyBytes: MAX_BODY });
  cleanups.push(async () => {
    await app.close();
    await pipeline.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { app, pipeline, batches };
}

async function appWith(options: OtlpRoutesOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  await app.register(otlpRoutes, options);
  // A neighbour route, to show the OTLP parsers stay inside their plugin.
  app.post('/echo', async (request) => ({ got: request.body }));
  await app.ready();
  return app;
}

async function recordSpans(count = 2): Promise<ReadableSpan[]> {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'orders' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('route-test');
  for (let i = 0; i < count; i++) {
    tracer.startSpan(`orders send ${i}`, { kind: SpanKind.PRODUCER, attributes: { 'messaging.system': 'kafka', i } }).end();
  }
  await provider.forceFlush();
  const spans = exporter.getFinishedSpans();
  // Shutting down clears the in-memory exporter, so take the spans first.
  await provider.shutdown();
  if (spans.length !== count) throw new Error(`recorded ${spans.length} spans, expected ${count}`);
  return spans;
}

function protobufBody(spans: ReadableSpan[]): Buffer {
  return Buffer.from(ProtobufTraceSerializer.serializeRequest(spans) ?? new Uint8Array());
}

function jsonBody(spans: ReadableSpan[]): Buffer {
  return Buffer.from(JsonTraceSerializer.serializeRequest(spans) ?? new Uint8Array());
}

describe('POST /v1/traces', () => {
  it('accepts protobuf and answers with an empty protobuf ExportTraceServiceResponse after the spans are durable', async () => {
    const { app, pipeline, batches } = await harness();
    const spans = await recordSpans(3);
    const res = await app.inject({ method: 'POST', url: '/v1/traces', headers: PROTOBUF, payload: protobufBody(spans) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/x-protobuf');
    expect(res.rawPayload.length).toBe(0);
    expect(ExportTraceServiceResponseType.toObject(ExportTraceServiceResponseType.decode(res.rawPayload))).toEqual({});
    await pipeline.idle();
    expect(batches.flat().map((s) => [s.traceId, s.spanId, s.name, s.kind, s.service])).toEqual(
      spans.map((s) => [s.spanContext().traceId, s.spanContext().spanId, s.name, 'producer', 'orders']),
    );
  });

  it('accepts OTLP/JSON (with a charset parameter) and answers {}', async () => {
    const { app, pipeline, batches } = await harness();
    const spans = await recordSpans(2);
    const res = await app.inject({
      method: 'POST',
      url: '/v1/traces',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      payload: jsonBody(spans),
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toEqual({});
    await pipeline.idle();
    expect(batches.flat().map((s) => s.spanId)).toEqual(spans.map((s) => s.spanContext().spanId));
  });

  it.each([
    ['gzip', 'gzip', gzipSync],
    ['x-gzip', 'gzip', gzipSync],
    ['deflate', 'zlib-wrapped deflate', deflateSync],
    ['deflate', 'raw deflate', deflateRawSync],
  ] as const)('decompresses Content-Encoding %s (%s)', async (encoding, _format, compress) => {
    const { app, pipeline, batches } = await harness();
    const spans = await recordSpans(2);
    const res = await app.inject({
      method: 'POST',
      url: '/v1/traces',
      headers: { ...PROTOBUF, 'content-encoding': encoding },
      payload: compress(protobufBody(spans)),
    });
    expect(res.statusCode).toBe(200);
    await pipeline.idle();
    expect(batches.flat()).toHaveLength(2);
  });

  it('answers 200 to a request without spans and submits nothing', async () => {
    const { app, pipeline, batches } = await harness();
    for (const [headers, payload] of [
      [PROTOBUF, Buffer.alloc(0)],
      [JSON_TYPE, '{}'],
      [JSON_TYPE, '{"resourceSpans":[]}'],
      [JSON_TYPE, ''],
    ] as const) {
      const res = await app.inject({ method: 'POST', url: '/v1/traces', headers, payload });
      expect(res.statusCode).toBe(200);
    }
    await pipeline.idle();
    expect(batches).toEqual([]);
    expect(pipeline.stats().walBytes).toBe(0);
  });

  it('reports spans with bad ids as partial success (JSON) and keeps the rest', async () => {
    const { app, pipeline, batches } = await harness();
    const body = {
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                { traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', name: 'kept' },
                { traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7e', name: 'short' },
              ],
            },
          ],
        },
      ],
    };
    const res = await app.inject({ method: 'POST', url: '/v1/traces', headers: JSON_TYPE, payload: body });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      partialSuccess: {
        rejectedSpans: '1',
        errorMessage: '1 invalid span(s) rejected: span "short" (resourceSpans[0].scopeSpans[0].spans[1]): span_id must be 8 bytes (16 hex digits), got 4 bytes',
      },
    });
    await pipeline.idle();
    expect(batches.flat().map((s) => s.name)).toEqual(['kept']);
  });

  it('reports partial success in protobuf for protobuf requests', async () => {
    const { app } = await harness();
    const spans = await recordSpans(1);
    const badProto = protobufBody(spans);
    // Corrupt the trace id bytes in place: the first 16-byte run equal to the trace id.
    const traceId = Buffer.from(spans[0]?.spanContext().traceId ?? '', 'hex');
    badProto.fill(0, badProto.indexOf(traceId), badProto.indexOf(traceId) + 16);
    const protoRes = await app.inject({ method: 'POST', url: '/v1/traces', headers: PROTOBUF, payload: badProto });
    expect(protoRes.statusCode).toBe(200);
    const decoded = ExportTraceServiceResponseType.toObject(ExportTraceServiceResponseType.decode(protoRes.rawPayload), { longs: String });
    expect(decoded).toEqual({
      partialSuccess: { rejectedSpans: '1', errorMessage: expect.stringContaining('trace_id must not be all zeros') },
    });
  });

  it('answers garbage protobuf with 400 and a protobuf google.rpc.Status saying what is wrong', async () => {
    const { app, batches } = await harness();
    const res = await app.inject({ method: 'POST', url: '/v1/traces', headers: PROTOBUF, payload: Buffer.from([0x0a, 0xff, 0x01, 0x00]) });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toBe('application/x-protobuf');
    expect(RpcStatusType.toObject(RpcStatusType.decode(res.rawPayload))).toEqual({
      code: 3,
      message: 'invalid protobuf: index out of range (stopped at byte 3 of 4)',
    });
    expect(batches).toEqual([]);
  });

  it('answers malformed JSON with 400 and a JSON google.rpc.Status', async () => {
    const { app } = await harness();
    const broken = await app.inject({ method: 'POST', url: '/v1/traces', headers: JSON_TYPE, payload: '{"resourceSpans": [' });
    expect(broken.statusCode).toBe(400);
    expect(broken.json()).toEqual({ code: 3, message: expect.stringMatching(/^invalid JSON: /) });

    const wrongShape = await app.inject({ method: 'POST', url: '/v1/traces', headers: JSON_TYPE, payload: { resourceSpans: 'nope' } });
    expect(wrongShape.statusCode).toBe(400);
    expect(wrongShape.json()).toEqual({
      code: 3,
      message: 'JSON body is not an ExportTraceServiceRequest: resourceSpans must be an array, got the string "nope"',
    });
  });

  it('answers 400 to a body that claims gzip but is not', async () => {
    const { app } = await harness();
    const res = await app.inject({ method: 'POST', url: '/v1/traces', headers: { ...JSON_TYPE, 'content-encoding': 'gzip' }, payload: '{}' });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/^invalid gzip body: /);
  });

  it('answers 413 when the body is over the limit, compressed or once decompressed (zip bomb)', async () => {
    const { app, batches } = await harness();
    const tooBig = await app.inject({ method: 'POST', url: '/v1/traces', headers: PROTOBUF, payload: Buffer.alloc(MAX_BODY + 1) });
    expect(tooBig.statusCode).toBe(413);
    expect(RpcStatusType.toObject(RpcStatusType.decode(tooBig.rawPayload)).message).toBe(`request body is larger than the limit of ${MAX_BODY} bytes`);

    const bomb = gzipSync(Buffer.alloc(MAX_BODY * 16));
    expect(bomb.length).toBeLessThan(MAX_BODY);
    const exploded = await app.inject({ method: 'POST', url: '/v1/traces', headers: { ...JSON_TYPE, 'content-encoding': 'gzip' }, payload: bomb });
    expect(exploded.statusCode).toBe(413);
    expect(exploded.json()).toEqual({ code: 3, message: `decompressed request body is larger than the limit of ${MAX_BODY} bytes` });
    expect(batches).toEqual([]);
  });

  it('answers 415 to an unsupported content type or content coding', async () => {
    const { app } = await harness();
    const text = await app.inject({ method: 'POST', url: '/v1/traces', headers: { 'content-type': 'text/plain' }, payload: 'hi' });
    expect(text.statusCode).toBe(415);
    expect(text.json()).toEqual({ code: 3, message: 'unsupported content type "text/plain"; send application/x-protobuf or application/json' });

    const brotli = await app.inject({ method: 'POST', url: '/v1/traces', headers: { ...PROTOBUF, 'content-encoding': 'br' }, payload: Buffer.from([1]) });
    expect(brotli.statusCode).toBe(415);
    expect(RpcStatusType.toObject(RpcStatusType.decode(brotli.rawPayload)).message).toBe('unsupported Content-Encoding "br"; use gzip, deflate or identity');
  });

  it('answers 503 with Retry-After while the pipeline backlog is full', async () => {
    const { app } = await harness({ maxBacklogSpans: 2, process: () => new Promise(() => undefined) });
    const first = await app.inject({ method: 'POST', url: '/v1/traces', headers: PROTOBUF, payload: protobufBody(await recordSpans(2)) });
    expect(first.statusCode).toBe(200);
    const second = await app.inject({ method: 'POST', url: '/v1/traces', headers: JSON_TYPE, payload: jsonBody(await recordSpans(1)) });
    expect(second.statusCode).toBe(503);
    expect(Number(second.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(second.json()).toEqual({ code: 14, message: expect.stringMatching(/^the collector is busy; retry after \d+ s$/) });
  });

  it('answers 503 with Retry-After when the batch cannot be persisted', async () => {
    // Failure injection: a pipeline whose WAL write fails (e.g. disk full), which a real disk will not do on demand.
    const app = await appWith({ pipeline: { submit: () => Promise.reject(new Error('ENOSPC: no space left on device')) } });
    cleanups.push(() => app.close());
    const res = await app.inject({ method: 'POST', url: '/v1/traces', headers: JSON_TYPE, payload: jsonBody(await recordSpans(1)) });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.json()).toEqual({ code: 14, message: 'the collector could not persist the batch; retry later' });
  });

  it('turns the same request sent twice into identical span records', async () => {
    const { app, pipeline, batches } = await harness();
    const body = protobufBody(await recordSpans(3));
    for (let i = 0; i < 2; i++) {
      expect((await app.inject({ method: 'POST', url: '/v1/traces', headers: PROTOBUF, payload: body })).statusCode).toBe(200);
    }
    await pipeline.idle();
    const all = batches.flat();
    expect(all).toHaveLength(6);
    expect(all.slice(3)).toStrictEqual(all.slice(0, 3));
  });

  it('leaves the default JSON parser of other routes alone', async () => {
    const { app } = await harness();
    const res = await app.inject({ method: 'POST', url: '/echo', headers: JSON_TYPE, payload: { a: 1 } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ got: { a: 1 } });
  });
});
