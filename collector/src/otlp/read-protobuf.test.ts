/**
 * The protobuf reader must give exactly what the generic reader gave (it replaced `Type.toObject` +
 * `read-request.ts` on the protobuf path for speed), and protobuf and JSON encodings of the same
 * request must decode to the same records.
 */
import protobuf from 'protobufjs/light.js';
import { describe, expect, it } from 'vitest';
import { decodeTraceRequest } from './decode.js';
import { DECODE_LIMITS, TRUNCATED_NESTING } from './limits.js';
import { readExportRequest } from './read-request.js';
import { readProtobufRequest } from './read-protobuf.js';
import { ExportTraceServiceRequestType } from './schema.js';
import { toLong, variedRequest } from './testing/varied-request.js';
import type { DecodedResourceSpans } from './decoded.js';

const TRACE = Buffer.from('0af7651916cd43dd8448eb211c80319c', 'hex');
const SPAN = Buffer.from('b7ad6b7169203331', 'hex');
const SEEDS = Array.from({ length: 60 }, (_, i) => i + 1);

function read(bytes: Uint8Array): DecodedResourceSpans[] {
  return readProtobufRequest(protobuf.Reader.create(Buffer.from(bytes)));
}

/** The protobuf path before issue 6: plain objects from `toObject`, read by the reader shared with JSON. */
function readGeneric(bytes: Uint8Array): DecodedResourceSpans[] {
  const plain = ExportTraceServiceRequestType.toObject(ExportTraceServiceRequestType.decode(bytes), {
    longs: String,
    enums: Number,
    defaults: false,
    arrays: true,
    oneofs: false,
  });
  return readExportRequest(plain, 'protobuf');
}

function encode(request: object): Uint8Array {
  return ExportTraceServiceRequestType.encode(ExportTraceServiceRequestType.fromObject(request)).finish();
}

function oneSpan(span: object, resource?: object): Uint8Array {
  return encode({ resourceSpans: [{ ...(resource ? { resource } : {}), scopeSpans: [{ spans: [{ traceId: TRACE, spanId: SPAN, ...span }] }] }] });
}

describe('readProtobufRequest', () => {
  it('reads varied requests exactly as toObject + the generic reader did', () => {
    for (const seed of SEEDS) {
      const { protobuf: bytes } = variedRequest(seed);
      expect(read(bytes), `seed ${seed}`).toStrictEqual(readGeneric(bytes));
    }
  });

  it('matches the generic reader on what only protobuf can express, and at the limits', () => {
    const long = 'é'.repeat(DECODE_LIMITS.maxStringLength + 10);
    // Deeper than maxValueDepth, within protobufjs' own limit of 100 nested messages.
    let deepArray: object = { stringValue: 'leaf' };
    for (let i = 0; i < DECODE_LIMITS.maxValueDepth + 4; i++) deepArray = { arrayValue: { values: [deepArray, {}] } };
    let deepKvlist: object = { stringValue: 'leaf' };
    for (let i = 0; i < DECODE_LIMITS.maxValueDepth + 2; i++) deepKvlist = { kvlistValue: { values: [{ key: `d${i}`, value: deepKvlist }, { key: 'none' }] } };
    const many = DECODE_LIMITS.maxCollectionEntries + 6;
    const bytes = oneSpan(
      {
        kind: 9, // not a SpanKind the schema knows
        status: { code: 7 },
        startTimeUnixNano: toLong(2n ** 64n - 1n, true),
        attributes: [
          { key: 'two.members', value: { intValue: 5, stringValue: 'wins' } }, // a malformed oneof
          { key: 'negative.zero', value: { doubleValue: -0 } },
          { key: 'long', value: { stringValue: long } },
          { key: 'long.bytes', value: { bytesValue: Buffer.alloc(DECODE_LIMITS.maxStringLength, 7) } },
          { key: 'deep.array', value: deepArray },
          { key: 'deep.kvlist', value: deepKvlist },
          { key: '__proto__', value: { boolValue: true } },
          { key: 'dup', value: { intValue: 1 } },
          { key: 'dup', value: { intValue: 2 } },
          { key: 'many', value: { arrayValue: { values: Array.from({ length: many }, (_, i) => ({ intValue: i })) } } },
          ...Array.from({ length: many }, (_, i) => ({ key: `k${i}`, value: { intValue: -i } })),
        ],
        events: Array.from({ length: DECODE_LIMITS.maxEventsPerSpan + 3 }, (_, i) => ({ name: `e${i}`, timeUnixNano: i })),
        links: Array.from({ length: DECODE_LIMITS.maxLinksPerSpan + 3 }, () => ({ traceId: TRACE, spanId: SPAN })),
      },
      { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }], droppedAttributesCount: 3 },
    );
    const decoded = read(bytes);
    expect(decoded).toStrictEqual(readGeneric(bytes));

    const span = decoded[0]?.scopeSpans[0]?.spans[0];
    expect(span?.kind).toBe(9);
    expect(span?.statusCode).toBe(7);
    expect(span?.startTimeUnixNano).toBe(2n ** 64n - 1n);
    expect(span?.events).toHaveLength(DECODE_LIMITS.maxEventsPerSpan);
    expect(span?.links).toHaveLength(DECODE_LIMITS.maxLinksPerSpan);
    // The limit counts entries, and the two 'dup' entries make one key.
    expect(Object.keys(span?.attributes ?? {})).toHaveLength(DECODE_LIMITS.maxCollectionEntries - 1);
    expect(span?.attributes['two.members']).toBe('wins');
    expect(Object.is(span?.attributes['negative.zero'], -0)).toBe(true);
    expect(span?.attributes.dup).toBe(2);
    expect(Object.getOwnPropertyDescriptor(span?.attributes, '__proto__')?.value).toBe(true);
    expect(JSON.stringify(span?.attributes['deep.array'])).toContain(JSON.stringify(TRUNCATED_NESTING));
    expect(JSON.stringify(span?.attributes['deep.kvlist'])).toContain(JSON.stringify(TRUNCATED_NESTING));
  });

  it('gives every short string its own text however many share a slot of the string caches', () => {
    // Thousands of distinct short keys, names and values, so that many land in the same slot of the
    // reader's caches (1,024 slots for keys, 4,096 for the rest) with the same length; non-ASCII and
    // over-long ones stay out of the caches. Read twice: the second read meets the cached strings.
    const text = (i: number, salt: string) => `${salt}.${(i * 7919).toString(36)}.${i % 97}`;
    const spans = Array.from({ length: 80 }, (_, s) => ({
      traceId: TRACE,
      spanId: SPAN,
      name: s % 5 === 0 ? `é${text(s, 'n')}` : text(s, 'n'),
      attributes: Array.from({ length: 100 }, (_, a) => {
        const i = s * 100 + a;
        const value = a % 10 === 0 ? 'x'.repeat(40 + (i % 12)) : a % 7 === 0 ? `ü${text(i, 'v')}` : text(i, 'v');
        return { key: text(i, 'k'), value: { stringValue: value } };
      }),
    }));
    const bytes = encode({ resourceSpans: [{ scopeSpans: [{ spans }] }] });
    const expected = readGeneric(bytes);
    expect(read(bytes)).toStrictEqual(expected);
    expect(read(bytes)).toStrictEqual(expected);
    const attributes = expected[0]?.scopeSpans[0]?.spans[79]?.attributes ?? {};
    expect(Object.keys(attributes)).toHaveLength(100);
  });

  it('keeps int64 values exact on both sides of 2^53', () => {
    const ints = ['9007199254740991', '9007199254740992', '-9007199254740991', '-9007199254740992', '9223372036854775807', '-9223372036854775808', '-1'];
    const bytes = oneSpan({ attributes: ints.map((v) => ({ key: v, value: { intValue: toLong(BigInt(v), false) } })) });
    const [record] = decodeTraceRequest(bytes, 'protobuf').spans;
    expect(record?.attributes).toStrictEqual({
      '9007199254740991': 9007199254740991,
      '9007199254740992': '9007199254740992',
      '-9007199254740991': -9007199254740991,
      '-9007199254740992': '-9007199254740992',
      '9223372036854775807': '9223372036854775807',
      '-9223372036854775808': '-9223372036854775808',
      '-1': -1,
    });
  });
});

describe('decodeTraceRequest: protobuf and JSON agree', () => {
  it('gives identical results for both encodings of varied requests', () => {
    const seen = { spans: 0, rejected: 0, events: 0, links: 0, bigTimes: 0, exactStrings: 0, nested: 0, nulls: 0 };
    for (const seed of SEEDS) {
      const { protobuf: bytes, json } = variedRequest(seed);
      const fromProtobuf = decodeTraceRequest(bytes, 'protobuf');
      expect(fromProtobuf, `seed ${seed}`).toStrictEqual(decodeTraceRequest(json, 'json'));

      seen.spans += fromProtobuf.spans.length;
      seen.rejected += fromProtobuf.rejectedSpans;
      for (const span of fromProtobuf.spans) {
        seen.events += span.events.length;
        seen.links += span.links.length;
        if (BigInt(span.startTimeUnixNano) > 2n ** 63n) seen.bigTimes += 1;
        for (const value of Object.values(span.attributes)) {
          if (typeof value === 'string' && /^-?\d{17,}$/.test(value)) seen.exactStrings += 1;
          if (Array.isArray(value) || (value !== null && typeof value === 'object')) seen.nested += 1;
          if (value === null) seen.nulls += 1;
        }
      }
    }
    // The comparison only means something if the generated requests reach these cases.
    for (const [what, count] of Object.entries(seen)) expect(count, what).toBeGreaterThan(0);
  });

  it('decodes a Uint8Array exactly like a Buffer of the same bytes, invalid UTF-8 included', () => {
    // protobufjs decodes strings with its own UTF-8 reader for plain Uint8Arrays and with Node's for
    // Buffers, and the two disagree on invalid UTF-8; a replayed body must not decode differently.
    const placeholder = 'INVALID!';
    const encoded = Buffer.from(oneSpan({ name: placeholder, attributes: [{ key: 'k', value: { stringValue: placeholder } }] }));
    const invalid = Buffer.from([0xff, 0x41, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0xe2]);
    for (let at = encoded.indexOf(placeholder); at >= 0; at = encoded.indexOf(placeholder)) invalid.copy(encoded, at);
    for (const bytes of [encoded, Buffer.from(variedRequest(7).protobuf)]) {
      const copy = new Uint8Array(bytes.byteLength + 3).subarray(3);
      copy.set(bytes);
      expect(Buffer.isBuffer(copy)).toBe(false);
      expect(decodeTraceRequest(copy, 'protobuf')).toStrictEqual(decodeTraceRequest(bytes, 'protobuf'));
    }
    const [record] = decodeTraceRequest(encoded, 'protobuf').spans;
    expect(record?.name).toBe(invalid.toString('utf8'));
    expect(record?.attributes.k).toBe(invalid.toString('utf8'));
  });
});
