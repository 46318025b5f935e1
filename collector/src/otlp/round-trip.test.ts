/**
 * Verifies the hand-written protobuf schema and the JSON reader against OpenTelemetry's own
 * serializers: spans recorded by a real SDK tracer provider are serialized exactly as the OTLP
 * exporters would send them, then decoded by the collector.
 */
import { describe, expect, it } from 'vitest';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { decodeTraceRequest } from './decode.js';
import type { SpanRecord } from '../model/span.js';

const RESOURCE_ATTRIBUTES = {
  'service.name': 'checkout',
  'deployment.info': { region: 'eu-west-1', zones: [1, 'b', true, 2.5], nested: { deeper: { deepest: 'x' } } },
  'host.fingerprint': new Uint8Array([0xde, 0xad, 0xbe, 0xef]),
};

/** Records a small trace: a server span with a producer child that links to an unrelated span. */
async function recordSpans(): Promise<ReadableSpan[]> {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    // Resource attributes pass through unsanitized, which lets this test reach the AnyValue kinds
    // the span API does not allow (nested maps, mixed arrays, bytes) but other SDKs do send. The
    // typed API does not admit them, hence the cast.
    resource: resourceFromAttributes(RESOURCE_ATTRIBUTES as unknown as Parameters<typeof resourceFromAttributes>[0]),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('causeway-test', '1.2.3');

  const other = tracer.startSpan('unrelated', { startTime: [1_700_000_000, 0] });
  other.end([1_700_000_000, 5]);

  const server = tracer.startSpan('POST /orders', {
    kind: SpanKind.SERVER,
    startTime: [1_700_000_100, 123_456_789],
    attributes: {
      'http.method': 'POST',
      'http.status_code': 201,
      'retry.ratio': 0.25,
      'cache.hit': false,
      'big.count': 2 ** 60,
      'tags': ['a', 'b'],
      'sizes': [1, 2, 3],
      'flags': [true, false],
    },
  });
  const child = tracer.startSpan(
    'orders publish',
    {
      kind: SpanKind.PRODUCER,
      startTime: [1_700_000_100, 200_000_001],
      links: [{ context: other.spanContext(), attributes: { 'link.reason': 'retry-of' } }],
    },
    trace.setSpan(context.active(), server),
  );
  child.addEvent('enqueued', { 'queue.depth': 3 }, [1_700_000_100, 250_000_000]);
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'broker unavailable' });
  child.end([1_700_000_100, 300_000_002]);
  server.setStatus({ code: SpanStatusCode.OK });
  server.end([1_700_000_101, 0]);

  await provider.forceFlush();
  const spans = exporter.getFinishedSpans();
  await provider.shutdown();
  return spans;
}

function expectedRecords(spans: ReadableSpan[]): SpanRecord[] {
  const [other, child, server] = spans;
  if (!other || !child || !server) throw new Error('expected three spans');
  const resource = {
    'service.name': 'checkout',
    'deployment.info': { region: 'eu-west-1', zones: [1, 'b', true, 2.5], nested: { deeper: { deepest: 'x' } } },
    'host.fingerprint': Buffer.from([0xde, 0xad, 0xbe, 0xef]).toString('base64'),
  };
  const scope = { name: 'causeway-test', version: '1.2.3' };
  return [
    {
      traceId: other.spanContext().traceId,
      spanId: other.spanContext().spanId,
      name: 'unrelated',
      kind: 'internal',
      startTime: 1_700_000_000_000,
      endTime: 1_700_000_000_000.000005,
      startTimeUnixNano: '1700000000000000000',
      durationMs: 0.000005,
      statusCode: 'unset',
      service: 'checkout',
      resource,
      scope,
      attributes: {},
      links: [],
      events: [],
    },
    {
      traceId: server.spanContext().traceId,
      spanId: child.spanContext().spanId,
      parentSpanId: server.spanContext().spanId,
      name: 'orders publish',
      kind: 'producer',
      startTime: 1_700_000_100_200.000001,
      endTime: 1_700_000_100_300.000002,
      startTimeUnixNano: '1700000100200000001',
      durationMs: 100.000001,
      statusCode: 'error',
      statusMessage: 'broker unavailable',
      service: 'checkout',
      resource,
      scope,
      attributes: {},
      links: [{ traceId: other.spanContext().traceId, spanId: other.spanContext().spanId, attributes: { 'link.reason': 'retry-of' } }],
      events: [{ name: 'enqueued', time: 1_700_000_100_250, attributes: { 'queue.depth': 3 } }],
    },
    {
      traceId: server.spanContext().traceId,
      spanId: server.spanContext().spanId,
      name: 'POST /orders',
      kind: 'server',
      startTime: 1_700_000_100_123.456789,
      endTime: 1_700_000_101_000,
      startTimeUnixNano: '1700000100123456789',
      durationMs: 876.543211,
      statusCode: 'ok',
      service: 'checkout',
      resource,
      scope,
      attributes: {
        'http.method': 'POST',
        'http.status_code': 201,
        'retry.ratio': 0.25,
        'cache.hit': false,
        // Beyond 2^53: kept exact as a decimal string.
        'big.count': '1152921504606846976',
        'tags': ['a', 'b'],
        'sizes': [1, 2, 3],
        'flags': [true, false],
      },
      links: [],
      events: [],
    },
  ];
}

describe('OTLP decoding against the OpenTelemetry SDK serializers', () => {
  it('decodes ProtobufTraceSerializer output exactly', async () => {
    const spans = await recordSpans();
    const body = ProtobufTraceSerializer.serializeRequest(spans);
    if (!body) throw new Error('serializer produced nothing');
    const decoded = decodeTraceRequest(body, 'protobuf');
    expect(decoded.rejectedSpans).toBe(0);
    expect(decoded.errorMessage).toBeUndefined();
    expect(decoded.spans).toStrictEqual(expectedRecords(spans));
  });

  it('decodes JsonTraceSerializer output exactly', async () => {
    const spans = await recordSpans();
    const body = JsonTraceSerializer.serializeRequest(spans);
    if (!body) throw new Error('serializer produced nothing');
    // The JSON flavour must carry ids as hex, as the spec requires.
    expect(new TextDecoder().decode(body)).toContain(`"traceId":"${spans[0]?.spanContext().traceId}"`);
    const decoded = decodeTraceRequest(body, 'json');
    expect(decoded.rejectedSpans).toBe(0);
    expect(decoded.spans).toStrictEqual(expectedRecords(spans));
  });

  it('gives the same records for both encodings of the same spans', async () => {
    const spans = await recordSpans();
    const fromProto = decodeTraceRequest(ProtobufTraceSerializer.serializeRequest(spans) ?? new Uint8Array(), 'protobuf');
    const fromJson = decodeTraceRequest(JsonTraceSerializer.serializeRequest(spans) ?? new Uint8Array(), 'json');
    expect(fromProto.spans).toHaveLength(3);
    expect(fromProto).toStrictEqual(fromJson);
  });
});
