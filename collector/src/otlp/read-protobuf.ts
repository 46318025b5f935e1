/**
 * Reads a decoded protobuf ExportTraceServiceRequest (protobufjs message objects, not `toObject`
 * output) into the wire-neutral `Decoded*` shape. It gives exactly what `read-request.ts` gives for
 * the same message after `Type.toObject` — `read-protobuf.test.ts` checks that — but skips the
 * intermediate plain object, the 64-bit-integer-to-decimal-string round trip and the JSON-name
 * lookups, which made decoding about a sixth of the collector's CPU.
 *
 * protobufjs messages keep proto3 defaults on the prototype: an absent string reads as '', an absent
 * message as null, an absent 64-bit integer as a zero Long, and repeated fields are always own arrays.
 * Only AnyValue needs to know what was actually sent (its oneof): there an own property means present,
 * as `toObject` decides. Nothing here can fail: protobufjs has already rejected malformed bytes (with
 * the messages `decode.ts` reports), every field has its declared type, and `schema.ts` guarantees
 * 64-bit integers arrive as Longs. So no path strings are built at all.
 */
import type { AttributeValue, Attributes } from '../model/span.js';
import type { DecodedEvent, DecodedLink, DecodedResourceSpans, DecodedScopeSpans, DecodedSpan } from './decoded.js';
import { DECODE_LIMITS, TRUNCATED_NESTING, boundString } from './limits.js';

/** A protobufjs 64-bit integer: a `long` package Long, or a number when protobufjs has no Long support. */
type PbLong = { low: number; high: number; unsigned: boolean } | number;

interface PbKeyValue {
  key: string;
  value: PbAnyValue | null;
}
interface PbAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: PbLong;
  doubleValue?: number;
  bytesValue?: Uint8Array;
  arrayValue?: { values: Array<PbAnyValue | null> } | null;
  kvlistValue?: { values: PbKeyValue[] } | null;
}
interface PbEvent {
  timeUnixNano: PbLong;
  name: string;
  attributes: PbKeyValue[];
}
interface PbLink {
  traceId: Uint8Array;
  spanId: Uint8Array;
  attributes: PbKeyValue[];
}
interface PbSpan {
  traceId: Uint8Array;
  spanId: Uint8Array;
  parentSpanId: Uint8Array;
  name: string;
  kind: number;
  startTimeUnixNano: PbLong;
  endTimeUnixNano: PbLong;
  attributes: PbKeyValue[];
  events: PbEvent[];
  links: PbLink[];
  status: { code: number; message: string } | null;
}
interface PbScopeSpans {
  scope: { name: string; version: string } | null;
  spans: PbSpan[];
}
interface PbResourceSpans {
  resource: { attributes: PbKeyValue[] } | null;
  scopeSpans: PbScopeSpans[];
}
/** The message `ExportTraceServiceRequestType.decode` returns. */
export interface PbExportTraceServiceRequest {
  resourceSpans: PbResourceSpans[];
}

const TWO_POW_32 = 2 ** 32;

export function readProtobufRequest(message: PbExportTraceServiceRequest): DecodedResourceSpans[] {
  const list = message.resourceSpans;
  const result: DecodedResourceSpans[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    result[i] = resourceSpans(list[i] as PbResourceSpans);
  }
  return result;
}

function resourceSpans(rs: PbResourceSpans): DecodedResourceSpans {
  const list = rs.scopeSpans;
  const scopeSpans: DecodedScopeSpans[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) scopeSpans[i] = readScopeSpans(list[i] as PbScopeSpans);
  return { resource: rs.resource ? attributes(rs.resource.attributes, 0) : {}, scopeSpans };
}

function readScopeSpans(ss: PbScopeSpans): DecodedScopeSpans {
  const list = ss.spans;
  const spans: DecodedSpan[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) spans[i] = span(list[i] as PbSpan);
  const decoded: DecodedScopeSpans = { spans };
  if (ss.scope) decoded.scope = { name: ss.scope.name, version: ss.scope.version };
  return decoded;
}

function span(s: PbSpan): DecodedSpan {
  const eventCount = Math.min(s.events.length, DECODE_LIMITS.maxEventsPerSpan);
  const events: DecodedEvent[] = new Array(eventCount);
  for (let i = 0; i < eventCount; i++) events[i] = event(s.events[i] as PbEvent);
  const linkCount = Math.min(s.links.length, DECODE_LIMITS.maxLinksPerSpan);
  const links: DecodedLink[] = new Array(linkCount);
  for (let i = 0; i < linkCount; i++) links[i] = link(s.links[i] as PbLink);
  const status = s.status;
  return {
    traceId: hex(s.traceId),
    spanId: hex(s.spanId),
    parentSpanId: hex(s.parentSpanId),
    name: s.name,
    kind: s.kind,
    startTimeUnixNano: uint64(s.startTimeUnixNano),
    endTimeUnixNano: uint64(s.endTimeUnixNano),
    attributes: attributes(s.attributes, 0),
    events,
    links,
    statusCode: status ? status.code : 0,
    statusMessage: status ? status.message : '',
  };
}

function event(e: PbEvent): DecodedEvent {
  return {
    name: e.name,
    timeUnixNano: uint64(e.timeUnixNano),
    attributes: attributes(e.attributes, 0),
  };
}

function link(l: PbLink): DecodedLink {
  return { traceId: hex(l.traceId), spanId: hex(l.spanId), attributes: attributes(l.attributes, 0) };
}

/** A KeyValue list as a record. Duplicate keys: the last one wins (the spec forbids duplicates). */
function attributes(list: PbKeyValue[], depth: number): Attributes {
  const count = Math.min(list.length, DECODE_LIMITS.maxCollectionEntries);
  const result: Attributes = {};
  for (let i = 0; i < count; i++) {
    const kv = list[i] as PbKeyValue;
    const key = kv.key;
    const value = kv.value === null ? null : anyValue(kv.value, depth);
    // Plain assignment would turn a `__proto__` key into a prototype change instead of a property;
    // defineProperty is several times slower, so it is kept for that one key.
    if (key === '__proto__') Object.defineProperty(result, key, { value, enumerable: true, writable: true, configurable: true });
    else result[key] = value;
  }
  return result;
}

/** AnyValue → AttributeValue, checking the oneof members in the order `read-request.ts` does. */
function anyValue(v: PbAnyValue, depth: number): AttributeValue {
  if (has(v, 'stringValue')) return boundString(v.stringValue as string);
  if (has(v, 'boolValue')) return v.boolValue as boolean;
  if (has(v, 'intValue')) return int64Attribute(v.intValue as PbLong);
  if (has(v, 'doubleValue')) return double(v.doubleValue as number);
  if (has(v, 'bytesValue')) return boundString(base64(v.bytesValue as Uint8Array));
  if (has(v, 'arrayValue')) {
    if (depth >= DECODE_LIMITS.maxValueDepth) return TRUNCATED_NESTING;
    const values = (v.arrayValue as { values: Array<PbAnyValue | null> }).values;
    const count = Math.min(values.length, DECODE_LIMITS.maxCollectionEntries);
    const result: AttributeValue[] = new Array(count);
    for (let i = 0; i < count; i++) {
      const item = values[i];
      result[i] = item === null || item === undefined ? null : anyValue(item, depth + 1);
    }
    return result;
  }
  if (has(v, 'kvlistValue')) {
    if (depth >= DECODE_LIMITS.maxValueDepth) return TRUNCATED_NESTING;
    return attributes((v.kvlistValue as { values: PbKeyValue[] }).values, depth + 1);
  }
  return null;
}

/** Present in the sense of `Type.toObject`: an own, non-null property (defaults live on the prototype). */
function has(v: PbAnyValue, name: keyof PbAnyValue): boolean {
  return Object.hasOwn(v, name) && v[name] !== null && v[name] !== undefined;
}

function hex(bytes: Uint8Array): string {
  if (bytes.length === 0) return '';
  return Buffer.isBuffer(bytes) ? bytes.toString('hex') : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

function base64(bytes: Uint8Array): string {
  return Buffer.isBuffer(bytes) ? bytes.toString('base64') : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** fixed64 nanosecond timestamps, exact. */
function uint64(value: PbLong): bigint {
  if (typeof value === 'number') return BigInt(value);
  const high = value.high >>> 0;
  const low = value.low >>> 0;
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
