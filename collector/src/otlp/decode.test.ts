/** Validation, error reporting and bounds of OTLP decoding (the SDK round trip is in round-trip.test.ts). */
import { describe, expect, it } from 'vitest';
import { decodeTraceRequest } from './decode.js';
import { OtlpDecodeError } from './errors.js';
import { DECODE_LIMITS, TRUNCATED_NESTING } from './limits.js';
import { ExportTraceServiceRequestType } from './schema.js';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';

function jsonBody(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

function request(spans: object[], resource: object = { attributes: [{ key: 'service.name', value: { stringValue: 'billing' } }] }) {
  return { resourceSpans: [{ resource, scopeSpans: [{ scope: { name: 'lib' }, spans }] }] };
}

function span(overrides: object = {}) {
  return { traceId: TRACE, spanId: SPAN, name: 'op', kind: 2, startTimeUnixNano: '1700000000000000001', endTimeUnixNano: '1700000000002000001', ...overrides };
}

/** A protobuf length-delimited field: tag, length, payload. */
function lengthDelimited(field: number, payload: Buffer): Buffer {
  return Buffer.concat([varint((field << 3) | 2), varint(payload.length), payload]);
}

function varint(value: number): Buffer {
  let n = value;
  const bytes: number[] = [];
  while (n > 0x7f) {
    bytes.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  bytes.push(n);
  return Buffer.from(bytes);
}

function decodeError(body: Uint8Array, format: 'json' | 'protobuf'): OtlpDecodeError {
  try {
    decodeTraceRequest(body, format);
  } catch (err) {
    if (err instanceof OtlpDecodeError) return err;
    throw err;
  }
  throw new Error('expected an OtlpDecodeError');
}

describe('decodeTraceRequest: span validation', () => {
  it('rejects only the spans with bad ids and says why', () => {
    const body = jsonBody(
      request([
        span({ name: 'good' }),
        span({ name: 'short-trace', traceId: 'abcd' }),
        span({ name: 'zero-span', spanId: '0000000000000000' }),
        span({ name: 'base64-ids', traceId: 'CvdlGRbNQ92ESOshHIAxnA==' }),
        span({ name: 'bad-link', links: [{ traceId: TRACE, spanId: '12' }] }),
        span({ name: 'bad-parent', parentSpanId: 'abc' }),
      ]),
    );
    const decoded = decodeTraceRequest(body, 'json');
    expect(decoded.spans.map((s) => s.name)).toEqual(['good']);
    expect(decoded.rejectedSpans).toBe(5);
    expect(decoded.errorMessage).toContain('5 invalid span(s) rejected');
    expect(decoded.errorMessage).toContain('span "short-trace" (resourceSpans[0].scopeSpans[0].spans[1]): trace_id must be 16 bytes (32 hex digits), got 2 bytes');
    expect(decoded.errorMessage).toContain('span "zero-span" (resourceSpans[0].scopeSpans[0].spans[2]): span_id must not be all zeros');
    expect(decoded.errorMessage).toContain('"cvdlgrbnq92esoshhiaxna==" (not hex)');
    expect(decoded.errorMessage).toContain('links[0].span_id must be 8 bytes');
    expect(decoded.errorMessage).toContain('parent_span_id must be empty or 8 bytes');
  });

  it('rejects protobuf spans whose id bytes have the wrong length', () => {
    const message = ExportTraceServiceRequestType.fromObject({
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                { traceId: Buffer.from(TRACE, 'hex'), spanId: Buffer.from(SPAN, 'hex'), name: 'ok' },
                { traceId: Buffer.alloc(8, 1), spanId: Buffer.from(SPAN, 'hex'), name: 'short' },
                { traceId: Buffer.from(TRACE, 'hex'), name: 'no-span-id' },
              ],
            },
          ],
        },
      ],
    });
    const decoded = decodeTraceRequest(ExportTraceServiceRequestType.encode(message).finish(), 'protobuf');
    expect(decoded.spans.map((s) => s.name)).toEqual(['ok']);
    expect(decoded.spans[0]?.service).toBe('unknown_service');
    expect(decoded.rejectedSpans).toBe(2);
    expect(decoded.errorMessage).toContain('trace_id must be 16 bytes (32 hex digits), got 8 bytes');
    expect(decoded.errorMessage).toContain('span_id must be 8 bytes (16 hex digits), got none');
  });

  it('keeps protobuf attribute values that equal the field default (empty string, 0, false)', () => {
    const message = ExportTraceServiceRequestType.fromObject({
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                {
                  traceId: Buffer.from(TRACE, 'hex'),
                  spanId: Buffer.from(SPAN, 'hex'),
                  attributes: [
                    { key: 'empty', value: { stringValue: '' } },
                    { key: 'zero', value: { intValue: 0 } },
                    { key: 'no', value: { boolValue: false } },
                    { key: 'zero.double', value: { doubleValue: 0 } },
                    { key: 'unset', value: {} },
                  ],
                },
              ],
            },
          ],
        },
      ],
    });
    const [record] = decodeTraceRequest(ExportTraceServiceRequestType.encode(message).finish(), 'protobuf').spans;
    expect(record?.attributes).toStrictEqual({ empty: '', zero: 0, no: false, 'zero.double': 0, unset: null });
  });

  it('lists only the first reasons when many spans are bad', () => {
    const bad = Array.from({ length: 12 }, (_, i) => span({ name: `bad${i}`, traceId: '' }));
    const decoded = decodeTraceRequest(jsonBody(request(bad)), 'json');
    expect(decoded.rejectedSpans).toBe(12);
    expect(decoded.errorMessage).toMatch(/; and 7 more$/);
  });

  it('treats an all-zero parent id as no parent and upper-case hex as valid', () => {
    const decoded = decodeTraceRequest(jsonBody(request([span({ traceId: TRACE.toUpperCase(), parentSpanId: '0000000000000000' })])), 'json');
    expect(decoded.rejectedSpans).toBe(0);
    expect(decoded.spans[0]?.traceId).toBe(TRACE);
    expect(decoded.spans[0]).not.toHaveProperty('parentSpanId');
  });
});

describe('decodeTraceRequest: OTLP/JSON variants', () => {
  it('accepts snake_case field names, enum names and numeric int64s', () => {
    const body = jsonBody({
      resource_spans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { string_value: 'snake' } }] },
          scope_spans: [
            {
              spans: [
                {
                  trace_id: TRACE,
                  span_id: SPAN,
                  parent_span_id: 'a1b2c3d4e5f60718',
                  name: 'consume',
                  kind: 'SPAN_KIND_CONSUMER',
                  start_time_unix_nano: 1_700_000_000_000_000_000,
                  end_time_unix_nano: '1700000000500000000',
                  attributes: [
                    { key: 'n', value: { int_value: 42 } },
                    { key: 's', value: { int_value: '-9007199254740993' } },
                    { key: 'd', value: { double_value: 'Infinity' } },
                    { key: 'b', value: { bytes_value: 'AQI=' } },
                    { key: 'empty', value: {} },
                  ],
                  status: { code: 'STATUS_CODE_ERROR', message: 'boom' },
                },
              ],
            },
          ],
        },
      ],
    });
    const [record] = decodeTraceRequest(body, 'json').spans;
    expect(record).toMatchObject({
      service: 'snake',
      kind: 'consumer',
      parentSpanId: 'a1b2c3d4e5f60718',
      startTimeUnixNano: '1700000000000000000',
      durationMs: 500,
      statusCode: 'error',
      statusMessage: 'boom',
      attributes: { n: 42, s: '-9007199254740993', d: 'Infinity', b: 'AQI=', empty: null },
    });
    expect(record).not.toHaveProperty('scope');
  });

  it('keeps a "__proto__" attribute key as data', () => {
    const decoded = decodeTraceRequest(jsonBody(request([span({ attributes: [{ key: '__proto__', value: { stringValue: 'x' } }] })])), 'json');
    const attributes = decoded.spans[0]?.attributes ?? {};
    expect(Object.getPrototypeOf(attributes)).toBe(Object.prototype);
    expect(Object.keys(attributes)).toEqual(['__proto__']);
    expect(JSON.parse(JSON.stringify(attributes))).toEqual(JSON.parse('{"__proto__":"x"}'));
  });

  it('gives a span that ends before it starts a zero duration', () => {
    const [record] = decodeTraceRequest(jsonBody(request([span({ endTimeUnixNano: '5' })])), 'json').spans;
    expect(record?.durationMs).toBe(0);
    expect(record?.endTime).toBe(record?.startTime);
  });

  it('treats an empty body and an empty object as an empty request', () => {
    expect(decodeTraceRequest(Buffer.alloc(0), 'json')).toEqual({ spans: [], rejectedSpans: 0 });
    expect(decodeTraceRequest(jsonBody({}), 'json')).toEqual({ spans: [], rejectedSpans: 0 });
    expect(decodeTraceRequest(Buffer.alloc(0), 'protobuf')).toEqual({ spans: [], rejectedSpans: 0 });
  });
});

describe('decodeTraceRequest: undecodable payloads', () => {
  it('reports garbage protobuf with protobufjs\' reason', () => {
    // Field 1, length-delimited, claims 255 bytes but only 2 follow.
    const error = decodeError(Buffer.from([0x0a, 0xff, 0x01, 0x00, 0x00]), 'protobuf');
    expect(error.message).toBe('invalid protobuf: index out of range (stopped at byte 3 of 5)');
    expect(error.statusCode).toBe(400);
  });

  it('reports a protobuf field with an impossible wire type', () => {
    // Field 2 (unknown to ExportTraceServiceRequest, so skipped by wire type), wire type 7.
    expect(decodeError(Buffer.from([0x17, 0x01]), 'protobuf').message).toBe('invalid protobuf: invalid wire type 7 at offset 1');
  });

  it('truncates runaway value nesting instead of overflowing the stack', () => {
    // An AnyValue nested 2000 arrays deep, inside request → resourceSpans → scopeSpans → spans → attributes → value.
    let value: Buffer = Buffer.alloc(0);
    for (let i = 0; i < 2000; i++) value = lengthDelimited(5, lengthDelimited(1, value));
    const ids = Buffer.concat([lengthDelimited(1, Buffer.alloc(16, 1)), lengthDelimited(2, Buffer.alloc(8, 2))]);
    const attribute = lengthDelimited(9, Buffer.concat([lengthDelimited(1, Buffer.from('deep')), lengthDelimited(2, value)]));
    const body = lengthDelimited(1, lengthDelimited(2, lengthDelimited(2, Buffer.concat([ids, attribute]))));
    const [record] = decodeTraceRequest(body, 'protobuf').spans;
    let nested: unknown = record?.attributes.deep;
    let depth = 0;
    while (Array.isArray(nested)) [nested, depth] = [nested[0], depth + 1];
    // As in JSON: the levels within the limit are kept, the rest is marked, not read.
    expect(depth).toBe(DECODE_LIMITS.maxValueDepth);
    expect(nested).toBe(TRUNCATED_NESTING);
  });

  it('reports runaway nesting of unknown groups instead of overflowing the stack', () => {
    // Field 2 of the request (unknown) as a start-group tag, 2000 groups deep: skipped by wire type.
    const startGroup = varint((2 << 3) | 3);
    const endGroup = varint((2 << 3) | 4);
    const body = Buffer.concat([...Array.from({ length: 2000 }, () => startGroup), ...Array.from({ length: 2000 }, () => endGroup)]);
    expect(decodeError(body, 'protobuf').message).toMatch(/^invalid protobuf: maximum nesting depth exceeded/);
  });

  it('reports JSON that does not parse', () => {
    expect(decodeError(Buffer.from('{"resourceSpans": ['), 'json').message).toMatch(/^invalid JSON: /);
    expect(decodeError(Buffer.from([0x7b, 0xff, 0x7d]), 'json').message).toBe('invalid JSON: the body is not valid UTF-8');
  });

  it('names the path of a structurally wrong JSON field', () => {
    expect(decodeError(jsonBody({ resourceSpans: {} }), 'json').message).toBe(
      'JSON body is not an ExportTraceServiceRequest: resourceSpans must be an array, got an object',
    );
    expect(decodeError(jsonBody([1]), 'json').message).toBe('JSON body is not an ExportTraceServiceRequest: the top level must be an object, got an array');
    expect(decodeError(jsonBody(request([span({ startTimeUnixNano: '12.5' })])), 'json').message).toBe(
      'JSON body is not an ExportTraceServiceRequest: resourceSpans[0].scopeSpans[0].spans[0].startTimeUnixNano must be an unsigned 64-bit integer (a decimal string or an integer number), got the string "12.5"',
    );
    expect(decodeError(jsonBody(request([span({ kind: 'SERVER' })])), 'json').message).toContain('spans[0].kind must be an enum number or one of');
    expect(decodeError(jsonBody(request([span({ attributes: [{ key: 'x', value: { intValue: 'ten' } }] })])), 'json').message).toContain(
      'spans[0].attributes[0].value.intValue must be a 64-bit integer',
    );
  });
});

describe('decodeTraceRequest: bounds', () => {
  it('cuts nesting, long collections and long strings', () => {
    let nested: object = { stringValue: 'leaf' };
    for (let i = 0; i < DECODE_LIMITS.maxValueDepth + 5; i++) nested = { arrayValue: { values: [nested] } };
    const many = Array.from({ length: DECODE_LIMITS.maxCollectionEntries + 10 }, (_, i) => ({ key: `k${i}`, value: { intValue: i } }));
    const long = 'é'.repeat(DECODE_LIMITS.maxStringLength + 100);
    const [record] = decodeTraceRequest(
      jsonBody(request([span({ attributes: [{ key: 'deep', value: nested }, { key: 'long', value: { stringValue: long } }, ...many] })])),
      'json',
    ).spans;
    const attributes = record?.attributes ?? {};
    expect(Object.keys(attributes)).toHaveLength(DECODE_LIMITS.maxCollectionEntries);
    expect((attributes.long as string).length).toBe(DECODE_LIMITS.maxStringLength);
    let value = attributes.deep;
    let depth = 0;
    while (Array.isArray(value)) {
      value = value[0];
      depth += 1;
    }
    expect(depth).toBe(DECODE_LIMITS.maxValueDepth);
    expect(value).toBe(TRUNCATED_NESTING);
  });

  it('decodes the same bytes into identical records every time', () => {
    const body = jsonBody(request([span({ attributes: [{ key: 'a', value: { kvlistValue: { values: [{ key: 'b', value: { boolValue: true } }] } } }] })]));
    const first = decodeTraceRequest(body, 'json');
    const second = decodeTraceRequest(body, 'json');
    expect(second).toStrictEqual(first);
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
  });
});
