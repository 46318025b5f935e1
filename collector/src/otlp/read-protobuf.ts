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
 * One loop (`readMessage`) walks every message and hands each field to a reader per message type.
 * Written out per message instead, as protobufjs' generated code is, decoding measured ~10 %
 * faster (`decode-micro.ts`, baseline slot, five runs each: 4.87 vs 5.44 CPU µs per span medians),
 * about 1 µs per span under a backlog: not worth fifteen copies of the same loop.
 */
import protobuf from 'protobufjs/light.js';
import type { AttributeValue, Attributes } from '../model/span.js';
import type { DecodedEvent, DecodedLink, DecodedResourceSpans, DecodedScopeSpans, DecodedSpan } from './decoded.js';
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
    if (tag >>> 3 === 1) result.push(readMessage(reader, 1, { resource: {}, scopeSpans: [] }, resourceSpansField));
    else reader.skipType(tag & 7, 0);
  }
  return result;
}

/**
 * Reads the length-delimited message that starts here, field by field, into `into`: `readField`
 * reads the fields it keeps and returns false for the others, which are skipped by wire type. The
 * reader is narrowed to the message meanwhile, and nesting depth is checked, as protobufjs does.
 */
function readMessage<T>(reader: Reader, depth: number, into: T, readField: (reader: Reader, into: T, field: number, depth: number) => boolean): T {
  if (depth > protobuf.Reader.recursionLimit) throw Error('maximum nesting depth exceeded');
  const length = reader.uint32();
  const end = reader.pos + length;
  // The same words as protobufjs' decoders, which `decode.ts` completes with where it stopped.
  if (end > reader.len) throw RangeError('index out of range');
  const outer = reader.len;
  reader.len = end;
  while (reader.pos < end) {
    const tag = reader.uint32();
    if (!readField(reader, into, tag >>> 3, depth + 1)) reader.skipType(tag & 7, depth);
  }
  if (reader.pos !== end) throw RangeError('index out of range');
  reader.len = outer;
  return into;
}

/** Skips a length-delimited field, checking its bounds (what an unread message or bytes costs). */
function skipMessage(reader: Reader): void {
  reader.skip(reader.uint32());
}

function resourceSpansField(reader: Reader, into: DecodedResourceSpans, field: number, depth: number): boolean {
  if (field === 1) into.resource = readMessage(reader, depth, new AttributeList(0), keyValueListField).values;
  else if (field === 2) into.scopeSpans.push(readMessage(reader, depth, { spans: [] }, scopeSpansField));
  else return false;
  return true;
}

/** Resource and KeyValueList: field 1 is a repeated KeyValue. */
function keyValueListField(reader: Reader, into: AttributeList, field: number, depth: number): boolean {
  if (field !== 1) return false;
  into.read(reader, depth);
  return true;
}

function scopeSpansField(reader: Reader, into: DecodedScopeSpans, field: number, depth: number): boolean {
  if (field === 1) into.scope = readMessage(reader, depth, { name: '', version: '' }, scopeField);
  else if (field === 2) into.spans.push(readMessage(reader, depth, new SpanDraft(), spanField).finish());
  else return false;
  return true;
}

function scopeField(reader: Reader, into: { name: string; version: string }, field: number): boolean {
  if (field === 1) into.name = reader.string();
  else if (field === 2) into.version = reader.string();
  else return false;
  return true;
}

/** A span being read: its attributes are gathered apart until the end (`AttributeList`). */
class SpanDraft {
  readonly span: DecodedSpan = {
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
  readonly attributes = new AttributeList(0);

  finish(): DecodedSpan {
    this.span.attributes = this.attributes.values;
    return this.span;
  }
}

function spanField(reader: Reader, draft: SpanDraft, field: number, depth: number): boolean {
  const span = draft.span;
  switch (field) {
    case 1:
      span.traceId = hex(reader);
      return true;
    case 2:
      span.spanId = hex(reader);
      return true;
    case 4:
      span.parentSpanId = hex(reader);
      return true;
    case 5:
      span.name = reader.string();
      return true;
    case 6:
      span.kind = reader.int32();
      return true;
    case 7:
      span.startTimeUnixNano = fixed64(reader);
      return true;
    case 8:
      span.endTimeUnixNano = fixed64(reader);
      return true;
    case 9:
      draft.attributes.read(reader, depth);
      return true;
    case 11:
      if (span.events.length < DECODE_LIMITS.maxEventsPerSpan) span.events.push(readMessage(reader, depth, new EventDraft(), eventField).finish());
      else skipMessage(reader);
      return true;
    case 13:
      if (span.links.length < DECODE_LIMITS.maxLinksPerSpan) span.links.push(readMessage(reader, depth, new LinkDraft(), linkField).finish());
      else skipMessage(reader);
      return true;
    case 15: {
      // A later status message replaces an earlier one whole, as protobufjs does.
      const status = readMessage(reader, depth, { code: 0, message: '' }, statusField);
      span.statusCode = status.code;
      span.statusMessage = status.message;
      return true;
    }
    default:
      // 3 trace_state, 10/12/14 dropped counts, 16 flags and any newer field: not kept.
      return false;
  }
}

function statusField(reader: Reader, into: { code: number; message: string }, field: number): boolean {
  if (field === 2) into.message = reader.string();
  else if (field === 3) into.code = reader.int32();
  else return false;
  return true;
}

class EventDraft {
  name = '';
  timeUnixNano = 0n;
  readonly attributes = new AttributeList(0);

  finish(): DecodedEvent {
    return { name: this.name, timeUnixNano: this.timeUnixNano, attributes: this.attributes.values };
  }
}

function eventField(reader: Reader, into: EventDraft, field: number, depth: number): boolean {
  if (field === 1) into.timeUnixNano = fixed64(reader);
  else if (field === 2) into.name = reader.string();
  else if (field === 3) into.attributes.read(reader, depth);
  else return false;
  return true;
}

class LinkDraft {
  traceId = '';
  spanId = '';
  readonly attributes = new AttributeList(0);

  finish(): DecodedLink {
    return { traceId: this.traceId, spanId: this.spanId, attributes: this.attributes.values };
  }
}

function linkField(reader: Reader, into: LinkDraft, field: number, depth: number): boolean {
  if (field === 1) into.traceId = hex(reader);
  else if (field === 2) into.spanId = hex(reader);
  else if (field === 4) into.attributes.read(reader, depth);
  else return false;
  return true;
}

/**
 * A KeyValue list being read into a record: entries past `maxCollectionEntries` are skipped, and of
 * duplicate keys the last one wins (the spec forbids duplicates). `valueDepth` is the nesting depth
 * of the values (0 for a span's attributes, one more per array or kvlist around them). `key`,
 * `value` and `anyValue` hold the entry being read, reused from one entry to the next.
 */
class AttributeList {
  readonly values: Attributes = {};
  private count = 0;
  key = '';
  value: AttributeValue = null;
  readonly anyValue: AnyValueDraft;

  constructor(valueDepth: number) {
    this.anyValue = new AnyValueDraft(valueDepth);
  }

  /** Reads one KeyValue message (its tag already read). */
  read(reader: Reader, depth: number): void {
    if (this.count >= DECODE_LIMITS.maxCollectionEntries) {
      skipMessage(reader);
      return;
    }
    this.count++;
    this.key = '';
    this.value = null;
    readMessage(reader, depth, this, keyValueField);
    const { key, value } = this;
    // Plain assignment would turn a `__proto__` key into a prototype change instead of a property;
    // defineProperty is several times slower, so it is kept for that one key.
    if (key === '__proto__') Object.defineProperty(this.values, key, { value, enumerable: true, writable: true, configurable: true });
    else this.values[key] = value;
  }
}

function keyValueField(reader: Reader, into: AttributeList, field: number, depth: number): boolean {
  if (field === 1) into.key = reader.string();
  else if (field === 2) into.value = into.anyValue.read(reader, depth);
  else return false;
  return true;
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

/**
 * An AnyValue being read, reused from one value to the next at the same nesting depth: the
 * highest-priority member present so far and its value; a later copy of a member replaces it.
 */
class AnyValueDraft {
  best = NO_MEMBER;
  value: AttributeValue = null;
  /** For the items of an array value, created when first needed. */
  private items: AnyValueDraft | undefined;

  constructor(readonly valueDepth: number) {}

  read(reader: Reader, depth: number): AttributeValue {
    this.best = NO_MEMBER;
    this.value = null;
    return readMessage(reader, depth, this, anyValueField).value;
  }

  /** Takes `member` if it wins over what was read so far. */
  take(member: number): boolean {
    if (member < this.best) return false;
    this.best = member;
    return true;
  }

  itemDraft(): AnyValueDraft {
    this.items ??= new AnyValueDraft(this.valueDepth + 1);
    return this.items;
  }
}

function anyValueField(reader: Reader, into: AnyValueDraft, field: number, depth: number): boolean {
  switch (field) {
    case 1: {
      const text = reader.string();
      if (into.take(STRING)) into.value = boundString(text);
      return true;
    }
    case 2: {
      const flag = reader.bool();
      if (into.take(BOOL)) into.value = flag;
      return true;
    }
    case 3: {
      const long = reader.int64() as unknown as PbLong;
      if (into.take(INT)) into.value = int64Attribute(long);
      return true;
    }
    case 4: {
      const number = reader.double();
      if (into.take(DOUBLE)) into.value = double(number);
      return true;
    }
    case 7: {
      const bytes = reader.bytes();
      if (into.take(BYTES)) into.value = boundString(base64(bytes));
      return true;
    }
    case 5:
      if (into.take(ARRAY)) into.value = arrayValue(reader, depth, into);
      else skipMessage(reader);
      return true;
    case 6:
      if (into.take(KVLIST)) into.value = kvlistValue(reader, depth, into.valueDepth);
      else skipMessage(reader);
      return true;
    default:
      return false;
  }
}

/** An array value's items, read with one draft for the depth below. */
class ArrayDraft {
  readonly values: AttributeValue[] = [];

  constructor(readonly item: AnyValueDraft) {}
}

function arrayValue(reader: Reader, depth: number, holder: AnyValueDraft): AttributeValue {
  if (holder.valueDepth >= DECODE_LIMITS.maxValueDepth) {
    skipMessage(reader);
    return TRUNCATED_NESTING;
  }
  return readMessage(reader, depth, new ArrayDraft(holder.itemDraft()), arrayField).values;
}

function arrayField(reader: Reader, into: ArrayDraft, field: number, depth: number): boolean {
  if (field !== 1) return false;
  if (into.values.length < DECODE_LIMITS.maxCollectionEntries) into.values.push(into.item.read(reader, depth));
  else skipMessage(reader);
  return true;
}

function kvlistValue(reader: Reader, depth: number, valueDepth: number): AttributeValue {
  if (valueDepth >= DECODE_LIMITS.maxValueDepth) {
    skipMessage(reader);
    return TRUNCATED_NESTING;
  }
  return readMessage(reader, depth, new AttributeList(valueDepth + 1), keyValueListField).values;
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
