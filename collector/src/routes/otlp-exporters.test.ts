/**
 * The real OpenTelemetry OTLP/HTTP exporters (JSON and protobuf, plain and gzip) sending over a real
 * socket to a Fastify app with the OTLP route and a real ingest pipeline behind it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { IngestPipeline } from '../ingest/pipeline.js';
import type { SpanRecord } from '../model/span.js';
import otlpRoutes from './otlp.js';

const app = Fastify({ logger: false });
let pipeline: IngestPipeline;
let dir: string;
let url: string;
const received: SpanRecord[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'causeway-exporters-'));
  pipeline = new IngestPipeline({ walDir: dir, process: async (spans) => void received.push(...spans) });
  await pipeline.start();
  await app.register(otlpRoutes, { pipeline });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  url = `${address}/v1/traces`;
});

afterAll(async () => {
  await app.close();
  await pipeline.close();
  await rm(dir, { recursive: true, force: true });
});

/** Records a parent/child pair through a provider that exports both to memory and to the collector. */
async function sendThrough(exporter: SpanExporter, service: string): Promise<ReadableSpan[]> {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [new SimpleSpanProcessor(memory), new BatchSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('exporter-test', '0.0.1');
  const parent = tracer.startSpan('orders process', { kind: SpanKind.CONSUMER, attributes: { 'messaging.system': 'kafka', 'messaging.batch.message_count': 3 } });
  const child = tracer.startSpan('payments send', { kind: SpanKind.PRODUCER, links: [{ context: parent.spanContext() }] }, trace.setSpan(context.active(), parent));
  child.addEvent('sent', { bytes: 512 });
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'nack' });
  child.end();
  parent.end();
  await provider.forceFlush();
  const spans = memory.getFinishedSpans();
  await provider.shutdown();
  return spans;
}

function nanos([seconds, nanoseconds]: [number, number]): string {
  return (BigInt(seconds) * 1_000_000_000n + BigInt(nanoseconds)).toString();
}

describe.each([
  ['OTLP/HTTP JSON', () => new JsonExporter({ url })],
  ['OTLP/HTTP JSON, gzip', () => new JsonExporter({ url, compression: CompressionAlgorithm.GZIP })],
  ['OTLP/HTTP protobuf', () => new ProtoExporter({ url })],
  ['OTLP/HTTP protobuf, gzip', () => new ProtoExporter({ url, compression: CompressionAlgorithm.GZIP })],
])('%s exporter', (label, makeExporter) => {
  it('delivers spans the collector decodes faithfully', async () => {
    const service = `svc-${label.replace(/\W+/g, '-')}`;
    const sent = await sendThrough(makeExporter(), service);
    await pipeline.idle();
    const got = received.filter((s) => s.service === service);
    expect(got).toHaveLength(2);

    for (const span of sent) {
      const record = got.find((r) => r.spanId === span.spanContext().spanId);
      expect(record).toBeDefined();
      expect(record).toMatchObject({
        traceId: span.spanContext().traceId,
        name: span.name,
        startTimeUnixNano: nanos(span.startTime),
        scope: { name: 'exporter-test', version: '0.0.1' },
        resource: { 'service.name': service },
      });
      expect(record?.parentSpanId).toBe(span.parentSpanContext?.spanId);
      expect(record?.durationMs).toBeCloseTo(Number(BigInt(nanos(span.endTime)) - BigInt(nanos(span.startTime))) / 1e6, 6);
    }
    const [child, parent] = sent;
    expect(got.find((r) => r.spanId === parent?.spanContext().spanId)).toMatchObject({
      kind: 'consumer',
      statusCode: 'unset',
      attributes: { 'messaging.system': 'kafka', 'messaging.batch.message_count': 3 },
    });
    expect(got.find((r) => r.spanId === child?.spanContext().spanId)).toMatchObject({
      kind: 'producer',
      statusCode: 'error',
      statusMessage: 'nack',
      links: [{ traceId: parent?.spanContext().traceId, spanId: parent?.spanContext().spanId, attributes: {} }],
      events: [{ name: 'sent', attributes: { bytes: 512 } }],
    });
  });

  it('reports success to the SDK', async () => {
    const exporter = makeExporter();
    const memory = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] });
    provider.getTracer('direct').startSpan('direct export').end();
    await provider.forceFlush();
    const spans = memory.getFinishedSpans();
    const result = await new Promise<{ code: ExportResultCode; error?: Error }>((resolve) => exporter.export(spans, resolve));
    expect(result.error).toBeUndefined();
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    await exporter.shutdown();
    await provider.shutdown();
  });
});
