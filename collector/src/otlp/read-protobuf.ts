/**
 * Reads the bytes of a protobuf ExportTraceServiceRequest straight into the wire-neutral `Decoded*`
 * shape, walking the wire format with protobufjs' `Reader`. protobufjs' generated decoders build a
 * message object per KeyValue, AnyValue, Long and id buffer, which this reader then threw away: that
 * was about three quarters of the decoding time and half of the collector's allocations per span
 * (a span is decoded twice when the ingest backlog is read back from the write-ahead log).
 *
 * It reads exactly as `Type.decode` followed by the former object reader did, which
 * `read-protobuf.test.ts` checks against that path (`Type.decode` + `toObject` + `read-request.ts`):
 * - each known field is read with its declared type whatever wire type the tag says (as the generated
 *   decoders do), unknown fields are skipped by wire type, a singular field seen twice keeps the
 *   last value, repeated fields append;
 * - a nested message must end exactly where its length says ("index out of range" otherwise), and
 *   nothing is read past the end of its parent;
 * - AnyValue: when a malformed value sets several oneof members, they win in the order string,
 *   bool, int, double, bytes, array, kvlist; no member gives null;
 * - `DECODE_LIMITS`: entries past a collection's limit and values nested past `maxValueDepth` are
 *   skipped over unread (their bounds are still checked); strings are cut to `maxStringLength`.
 *
 * Each message has its own field loop, written out as protobufjs' generated code has. One shared
 * loop handing each field to a reader per message type (with a draft object per message) read
 * ~6 % slower in `decode-micro.ts` (5.1 vs 4.8 CPU µs per span) but cost the collector far more
 * under load: full SQLite ingest, five alternating runs each, 84.1 vs 76.3 µs of collector CPU per
 * span and 17.4k vs 18.8k spans/s (medians); likely the shared call sites turning megamorphic.
 */
import protobuf from 'protobufjs/light.js';
import type { AttributeValue, Attributes } from '../model/span.js';
import type { DecodedEvent, DecodedLink, DecodedResourceSpans, DecodedScopeSpans, DecodedSpan } from './decoded.js';
import { readKey, readText } from './cached-strings.js';
import { DECODE_LIMITS, TRUNCATED_NESTING, boundString } from './limits.js';
// Loaded for its check that protobufjs has Long support: int64 values must not arrive as lossy numbers.
import './schema.js';

type Reader = protobuf.Reader;
/** A protobufjs 64-bit integer: a `long` package Long (`schema.ts` makes sure of it). */
type PbLong = { low: number; high: number; unsigned: boolean } | number;

const TWO_POW_32 = 2 ** 32;

/** Reads a whole request from `reader` (created over a Buffer, so strings decode with Node's UTF-8). */
export function readProtobufRequest(reader: Reader): DecodedResourceSpans[] {
  const result: DecodedResourceSpans[] = [];
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag >>> 3 === 1) result.push(resourceSpans(reader, 1));
    else reader.skipType(tag & 7, 0);
  }
  return result;
}

/**
 * Narrows the reader to the length-delimited message that starts here; returns the outer end, which
 * `leave` restores. Nesting depth is checked as protobufjs does.
 */
function enter(reader: Reader, depth: number): number {
  if (depth > protobuf.Reader.recursionLimit) throw Error('maximum nesting depth exceeded');
  const length = reader.uint32();
  const end = reader.pos + length;
  // The same words as protobufjs' decoders, which `decode.ts` completes with where it stopped.
  if (end > reader.len) throw RangeError('index out of range');
  const outer = reader.len;
  reader.len = end;
  return outer;
}

function leave(reader: Reader, outer: number): void {
  if (reader.pos !== reader.len) throw RangeError('index out of range');
  reader.len = outer;
}

/** Skips a length-delimited field, checking its bounds (what an unread message or bytes costs). */
function skipMessage(reader: Reader): void {
  reader.skip(reader.uint32());
}

function resourceSpans(reader: Reader, depth: number): DecodedResourceSpans {
  const outer = enter(reader, depth);
  let resource: Attributes = {};
  const scopeSpans: DecodedScopeSpans[] = [];
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    switch (tag >>> 3) {
      case 1:
        resource = keyValues(reader, depth + 1, 0);
        break;
      case 2:
        scopeSpans.push(readScopeSpans(reader, depth + 1));
        break;
      default:
        reader.skipType(tag & 7, depth);
    }
  }
  leave(reader, outer);
  return { resource, scopeSpans };
}

/**
 * A message whose field 1 is a repeated KeyValue (Resource, KeyValueList), as a record; `valueDepth`
 * as in `AttributeList`.
 */
function keyValues(reader: Reader, depth: number, valueDepth: number): Attributes {
  const outer = enter(reader, depth);
  const attributes = new AttributeList(valueDepth);
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag >>> 3 === 1) attributes.read(reader, depth + 1);
    else reader.skipType(tag & 7, depth);
  }
  leave(reader, outer);
  return attributes.values;
}

function readScopeSpans(reader: Reader, depth: number): DecodedScopeSpans {
  const outer = enter(reader, depth);
  let scope: { name: string; version: string } | undefined;
  const spans: DecodedSpan[] = [];
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    switch (tag >>> 3) {
      case 1:
        scope = readScope(reader, depth + 1);
        break;
      case 2:
        spans.push(span(reader, depth + 1));
        break;
      default:
        reader.skipType(tag & 7, depth);
    }
  }
  leave(reader, outer);
  const decoded: DecodedScopeSpans = { spans };
  if (scope) decoded.scope = scope;
  return decoded;
}

function readScope(reader: Reader, depth: number): { name: string; version: string } {
  const outer = enter(reader, depth);
  let name = '';
  let version = '';
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    switch (tag >>> 3) {
      case 1:
        name = reader.string();
        break;
      case 2:
        version = reader.string();
        break;
      default:
        reader.skipType(tag & 7, depth);
    }
  }
  leave(reader, outer);
  return { name, version };
}

function span(reader: Reader, depth: number): DecodedSpan {
  const outer = enter(reader, depth);
  const decoded: DecodedSpan = {
    traceId: '',
    spanId: '',
    parentSpanId: '',
    name: '',
    kind: 0,
    startTimeUnixNano: 0n,
    endTimeUnixNano: 0n,
    attributes: {},
    events: [],
    links: [],
    statusCode: 0,
    statusMessage: '',
  };
  const attributes = new AttributeList(0);
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    switch (tag >>> 3) {
      case 1:
        decoded.traceId = hex(reader);
        break;
      case 2:
        decoded.spanId = hex(reader);
        break;
      case 4:
        decoded.parentSpanId = hex(reader);
        break;
      case 5:
        decoded.name = readText(reader);
        break;
      case 6:
        decoded.kind = reader.int32();
        break;
      case 7:
        decoded.startTimeUnixNano = fixed64(reader);
        break;
      case 8:
        decoded.endTimeUnixNano = fixed64(reader);
        break;
      case 9:
        attributes.read(reader, depth + 1);
        break;
      case 11:
        if (decoded.events.length < DECODE_LIMITS.maxEventsPerSpan) decoded.events.push(event(reader, depth + 1));
        else skipMessage(reader);
        break;
      case 13:
        if (decoded.links.length < DECODE_LIMITS.maxLinksPerSpan) decoded.links.push(link(reader, depth + 1));
        else skipMessage(reader);
        break;
      case 15:
        status(reader, depth + 1, decoded);
        break;
      default:
        // 3 trace_state, 10/12/14 dropped counts, 16 flags and any newer field: not kept.
        reader.skipType(tag & 7, depth);
    }
  }
  leave(reader, outer);
  decoded.attributes = attributes.values;
  return decoded;
}

/** Status: a later status message replaces an earlier one whole, as protobufjs does. */
function status(reader: Reader, depth: number, into: DecodedSpan): void {
  const outer = enter(reader, depth);
  let code = 0;
  let message = '';
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    switch (tag >>> 3) {
      case 2:
        message = reader.string();
        break;
      case 3:
        code = reader.int32();
        break;
      default:
        reader.skipType(tag & 7, depth);
    }
  }
  leave(reader, outer);
  into.statusCode = code;
  into.statusMessage = message;
}

function event(reader: Reader, depth: number): DecodedEvent {
  const outer = enter(reader, depth);
  let name = '';
  let timeUnixNano = 0n;
  const attributes = new AttributeList(0);
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    switch (tag >>> 3) {
      case 1:
        timeUnixNano = fixed64(reader);
        break;
      case 2:
        name = reader.string();
        break;
      case 3:
        attributes.read(reader, depth + 1);
        break;
      default:
        reader.skipType(tag & 7, depth);
    }
  }
  leave(reader, outer);
  return { name, timeUnixNano, attributes: attributes.values };
}

function link(reader: Reader, depth: number): DecodedLink {
  const outer = enter(reader, depth);
  let traceId = '';
  let spanId = '';
  const attributes = new AttributeList(0);
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    switch (tag >>> 3) {
      case 1:
        traceId = hex(reader);
        break;
      case 2:
        spanId = hex(reader);
        break;
      case 4:
        attributes.read(reader, depth + 1);
        break;
      default:
        reader.skipType(tag & 7, depth);
    }
  }
  leave(reader, outer);
  return { traceId, spanId, attributes: attributes.values };
}

/**
 * A KeyValue list being read into a record: entries past `maxCollectionEntries` are skipped, and of
 * duplicate keys the last one wins (the spec forbids duplicates). `valueDepth` is the nesting depth
 * of the values (0 for a span's attributes, one more per array or kvlist around them).
 */
class AttributeList {
  readonly values: Attributes = {};
  private count = 0;

  constructor(private readonly valueDepth: number) {}

  /** Reads one KeyValue message (its tag already read). */
  read(reader: Reader, depth: number): void {
    if (this.count >= DECODE_LIMITS.maxCollectionEntries) {
      skipMessage(reader);
      return;
    }
    this.count++;
    const outer = enter(reader, depth);
    let key = '';
    let value: AttributeValue = null;
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      switch (tag >>> 3) {
        case 1:
          key = readKey(reader);
          break;
        case 2:
          value = anyValue(reader, depth + 1, this.valueDepth);
          break;
        default:
          reader.skipType(tag & 7, depth);
      }
    }
    leave(reader, outer);
    // Plain assignment would turn a `__proto__` key into a prototype change instead of a property;
    // defineProperty is several times slower, so it is kept for that one key.
    if (key === '__proto__') Object.defineProperty(this.values, key, { value, enumerable: true, writable: true, configurable: true });
    else this.values[key] = value;
  }
}

/** Priorities of AnyValue's oneof members when several are present (see the file comment). */
const NO_MEMBER = 0;
const KVLIST = 1;
const ARRAY = 2;
const BYTES = 3;
const DOUBLE = 4;
const INT = 5;
const BOOL = 6;
const STRING = 7;

/** Reads one AnyValue message; `valueDepth` as in `AttributeList`. */
function anyValue(reader: Reader, depth: number, valueDepth: number): AttributeValue {
  const outer = enter(reader, depth);
  // The highest-priority member present so far and its value; a later copy of a member replaces it.
  let best: number = NO_MEMBER;
  let value: AttributeValue = null;
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    switch (tag >>> 3) {
      case 1: {
        const text = readText(reader);
        if (STRING >= best) {
          best = STRING;
          value = boundString(text);
        }
        break;
      }
      case 2: {
        const flag = reader.bool();
        if (BOOL >= best) {
          best = BOOL;
          value = flag;
        }
        break;
      }
      case 3: {
        const long = reader.int64() as unknown as PbLong;
        if (INT >= best) {
          best = INT;
          value = int64Attribute(long);
        }
        break;
      }
      case 4: {
        const number = reader.double();
        if (DOUBLE >= best) {
          best = DOUBLE;
          value = double(number);
        }
        break;
      }
      case 7: {
        const bytes = reader.bytes();
        if (BYTES >= best) {
          best = BYTES;
          value = boundString(base64(bytes));
        }
        break;
      }
      case 5:
        if (ARRAY >= best) {
          best = ARRAY;
          value = arrayValue(reader, depth + 1, valueDepth);
        } else skipMessage(reader);
        break;
      case 6:
        if (KVLIST >= best) {
          best = KVLIST;
          value = kvlistValue(reader, depth + 1, valueDepth);
        } else skipMessage(reader);
        break;
      default:
        reader.skipType(tag & 7, depth);
    }
  }
  leave(reader, outer);
  return value;
}

function arrayValue(reader: Reader, depth: number, valueDepth: number): AttributeValue {
  if (valueDepth >= DECODE_LIMITS.maxValueDepth) {
    skipMessage(reader);
    return TRUNCATED_NESTING;
  }
  const outer = enter(reader, depth);
  const values: AttributeValue[] = [];
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag >>> 3 !== 1) reader.skipType(tag & 7, depth);
    else if (values.length < DECODE_LIMITS.maxCollectionEntries) values.push(anyValue(reader, depth + 1, valueDepth + 1));
    else skipMessage(reader);
  }
  leave(reader, outer);
  return values;
}

function kvlistValue(reader: Reader, depth: number, valueDepth: number): AttributeValue {
  if (valueDepth >= DECODE_LIMITS.maxValueDepth) {
    skipMessage(reader);
    return TRUNCATED_NESTING;
  }
  return keyValues(reader, depth, valueDepth + 1);
}

/** A bytes field as lower-case hex, read from the buffer in place ('' when empty). */
function hex(reader: Reader): string {
  const length = reader.uint32();
  const start = reader.pos;
  if (start + length > reader.len) throw RangeError(`index out of range: ${start} + ${length} > ${reader.len}`);
  reader.pos = start + length;
  if (length === 0) return '';
  const buf = reader.buf;
  return Buffer.isBuffer(buf) ? buf.toString('hex', start, start + length) : Buffer.from(buf.buffer, buf.byteOffset + start, length).toString('hex');
}

function base64(bytes: Uint8Array): string {
  return Buffer.isBuffer(bytes) ? bytes.toString('base64') : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** fixed64 nanosecond timestamps, exact: two little-endian 32-bit halves, no Long object. */
function fixed64(reader: Reader): bigint {
  const low = reader.fixed32();
  const high = reader.fixed32();
  // Below 2^53 (high < 2^21) one exact double is enough; nanosecond timestamps of today are above it.
  if (high < 0x200000) return BigInt(high * TWO_POW_32 + low);
  return (BigInt(high) << 32n) | BigInt(low);
}

/** int64 attribute: a number when it is a safe integer, else the exact decimal string. */
function int64Attribute(value: PbLong): number | string {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : BigInt(value).toString();
  const high = value.unsigned ? value.high >>> 0 : value.high | 0;
  const n = high * TWO_POW_32 + (value.low >>> 0);
  // Exact whenever the true value is a safe integer; when it is not, n is not either (it rounds to ≥ 2^53).
  if (Number.isSafeInteger(n)) return n;
  const big = (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0);
  return (value.unsigned ? big : BigInt.asIntN(64, big)).toString();
}

/** Non-finite doubles stay strings ("NaN", "Infinity") so they survive JSON storage. */
function double(value: number): number | string {
  return Number.isFinite(value) ? value : String(value);
}
