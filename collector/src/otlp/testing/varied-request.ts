/**
 * A seeded, deliberately varied ExportTraceServiceRequest, produced in both OTLP encodings from one
 * description, for tests that compare the protobuf and JSON decoders: every AnyValue kind (empty
 * strings, zero, false, int64 beyond 2^53 and at the int64 bounds, non-finite doubles, bytes, nested
 * arrays and kvlists, empty AnyValues, missing values), events, links, absent resources, scopes and
 * statuses, fixed64 times up to 2^64 - 1, spans that end before they start, and ids of wrong lengths.
 * Test support only (excluded from the build).
 */
import protobuf from 'protobufjs/light.js';
import { ExportTraceServiceRequestType } from '../schema.js';
import { seededRandom } from '../../../../test/support/random.js';

type Value =
  | { kind: 'string'; v: string }
  | { kind: 'bool'; v: boolean }
  | { kind: 'int'; v: bigint }
  | { kind: 'double'; v: number }
  | { kind: 'bytes'; v: Buffer }
  | { kind: 'array'; v: Value[] }
  | { kind: 'kvlist'; v: KeyValue[] }
  | { kind: 'empty' };
interface KeyValue {
  key: string;
  /** Absent: the KeyValue carries no value at all. */
  value?: Value;
}
interface Span {
  traceId: Buffer;
  spanId: Buffer;
  parentSpanId?: Buffer;
  name?: string;
  kind?: number;
  start?: bigint;
  end?: bigint;
  attributes: KeyValue[];
  events: Array<{ name?: string; time?: bigint; attributes: KeyValue[] }>;
  links: Array<{ traceId: Buffer; spanId: Buffer; attributes: KeyValue[] }>;
  status?: { code?: number; message?: string };
}
interface Request {
  resourceSpans: Array<{
    resource?: { attributes?: KeyValue[] };
    scopeSpans: Array<{ scope?: { name?: string; version?: string }; spans: Span[] }>;
  }>;
}

const SPAN_KINDS = ['SPAN_KIND_UNSPECIFIED', 'SPAN_KIND_INTERNAL', 'SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT', 'SPAN_KIND_PRODUCER', 'SPAN_KIND_CONSUMER'];
const STATUS_CODES = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];
const STRINGS = ['', 'orders', 'é→✓ 日本', '🙂 surrogate pair', 'x'.repeat(300)];
const INTS = [0n, 1n, -1n, 42n, 2n ** 53n - 1n, 2n ** 53n + 1n, -(2n ** 53n) - 3n, 2n ** 62n + 5n, 2n ** 63n - 1n, -(2n ** 63n)];
const DOUBLES = [0, 1.5, -2.25, 1e-300, 1.7976931348623157e308, 0.1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
const KEYS = ['service.name', 'messaging.system', 'messaging.destination.name', 'k', '', '__proto__', 'a.b.c', '0'];

export function variedRequest(seed: number): { protobuf: Uint8Array; json: Uint8Array } {
  const random = seededRandom(seed);
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  const chance = (p: number) => random() < p;
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));
  const id = (size: number) => (chance(0.04) ? Buffer.alloc(size) : chance(0.04) ? bytes(pick([0, 4, size * 2])) : bytes(size));
  const time = (): bigint | undefined => {
    if (chance(0.1)) return undefined;
    if (chance(0.1)) return BigInt(int(1_000_000));
    if (chance(0.1)) return (BigInt(int(2 ** 32)) << 32n) | BigInt(int(2 ** 32)); // anywhere up to 2^64 - 1
    return 1_700_000_000_000_000_000n + BigInt(int(2 ** 40));
  };
  const value = (depth: number): Value => {
    const kind = pick(['string', 'string', 'bool', 'int', 'double', 'bytes', 'array', 'kvlist', 'empty'] as const);
    switch (kind) {
      case 'string':
        return { kind, v: pick(STRINGS) };
      case 'bool':
        return { kind, v: chance(0.5) };
      case 'int':
        return { kind, v: pick(INTS) };
      case 'double':
        return { kind, v: pick(DOUBLES) };
      case 'bytes':
        return { kind, v: bytes(int(6)) };
      case 'array':
        return depth > 3 ? { kind: 'empty' } : { kind, v: Array.from({ length: int(4) }, () => value(depth + 1)) };
      case 'kvlist':
        return depth > 3 ? { kind: 'empty' } : { kind, v: keyValues(int(4), depth + 1) };
      default:
        return { kind: 'empty' };
    }
  };
  const keyValues = (count: number, depth = 0): KeyValue[] =>
    Array.from({ length: count }, () => (chance(0.05) ? { key: pick(KEYS) } : { key: pick(KEYS), value: value(depth) }));
  const span = (): Span => {
    const s: Span = {
      traceId: id(16),
      spanId: id(8),
      attributes: keyValues(int(8)),
      events: Array.from({ length: chance(0.5) ? 0 : int(4) }, () => {
        const t = time();
        return { ...(chance(0.9) ? { name: pick(STRINGS) } : {}), ...(t !== undefined ? { time: t } : {}), attributes: keyValues(int(3)) };
      }),
      links: Array.from({ length: chance(0.5) ? 0 : int(4) }, () => ({ traceId: id(16), spanId: id(8), attributes: keyValues(int(3)) })),
    };
    const start = time();
    const end = time();
    if (start !== undefined) s.start = start;
    if (end !== undefined) s.end = end;
    if (chance(0.6)) s.parentSpanId = chance(0.1) ? Buffer.alloc(8) : id(8);
    if (chance(0.9)) s.name = pick(STRINGS);
    if (chance(0.8)) s.kind = int(SPAN_KINDS.length);
    if (chance(0.6)) s.status = { ...(chance(0.8) ? { code: int(STATUS_CODES.length) } : {}), ...(chance(0.5) ? { message: pick(STRINGS) } : {}) };
    return s;
  };
  const request: Request = {
    resourceSpans: Array.from({ length: 1 + int(3) }, () => ({
      ...(chance(0.8) ? { resource: chance(0.1) ? {} : { attributes: keyValues(int(4)) } } : {}),
      scopeSpans: Array.from({ length: 1 + int(3) }, () => ({
        ...(chance(0.7) ? { scope: chance(0.2) ? {} : { name: pick(STRINGS), ...(chance(0.5) ? { version: pick(STRINGS) } : {}) } } : {}),
        spans: Array.from({ length: int(8) }, span),
      })),
    })),
  };
  const message = ExportTraceServiceRequestType.fromObject(toProtobufObject(request));
  return { protobuf: ExportTraceServiceRequestType.encode(message).finish(), json: Buffer.from(JSON.stringify(toJsonObject(request, random))) };
}

/** A protobufjs Long with the exact 64 bits of `value` (two's complement when negative). */
export function toLong(value: bigint, unsigned: boolean): protobuf.Long {
  const low = Number(BigInt.asUintN(32, value)) | 0;
  const high = Number(BigInt.asUintN(32, value >> 32n)) | 0;
  return new protobuf.util.Long(low, high, unsigned);
}

function fixed64(value: bigint): protobuf.Long {
  return toLong(value, true);
}

/** The request as `Type.fromObject` input: bytes as Buffers, 64-bit integers as Longs. */
function toProtobufObject(request: Request): object {
  const kvs = (list: KeyValue[]): object[] => list.map((kv) => (kv.value ? { key: kv.key, value: anyValue(kv.value) } : { key: kv.key }));
  const anyValue = (v: Value): object => {
    switch (v.kind) {
      case 'string':
        return { stringValue: v.v };
      case 'bool':
        return { boolValue: v.v };
      case 'int':
        return { intValue: toLong(v.v, false) };
      case 'double':
        return { doubleValue: v.v };
      case 'bytes':
        return { bytesValue: v.v };
      case 'array':
        return { arrayValue: { values: v.v.map(anyValue) } };
      case 'kvlist':
        return { kvlistValue: { values: kvs(v.v) } };
      default:
        return {};
    }
  };
  return {
    resourceSpans: request.resourceSpans.map((rs) => ({
      ...(rs.resource ? { resource: rs.resource.attributes ? { attributes: kvs(rs.resource.attributes) } : {} } : {}),
      scopeSpans: rs.scopeSpans.map((ss) => ({
        ...(ss.scope ? { scope: ss.scope } : {}),
        spans: ss.spans.map((s) => ({
          traceId: s.traceId,
          spanId: s.spanId,
          ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
          ...(s.name !== undefined ? { name: s.name } : {}),
          ...(s.kind !== undefined ? { kind: s.kind } : {}),
          ...(s.start !== undefined ? { startTimeUnixNano: fixed64(s.start) } : {}),
          ...(s.end !== undefined ? { endTimeUnixNano: fixed64(s.end) } : {}),
          attributes: kvs(s.attributes),
          events: s.events.map((e) => ({ ...e, ...(e.time !== undefined ? { timeUnixNano: fixed64(e.time) } : {}), attributes: kvs(e.attributes) })),
          links: s.links.map((l) => ({ traceId: l.traceId, spanId: l.spanId, attributes: kvs(l.attributes) })),
          ...(s.status ? { status: s.status } : {}),
        })),
      })),
    })),
  };
}

/**
 * The request as OTLP/JSON: hex ids (sometimes upper-case), base64 bytes, 64-bit integers as
 * strings or (when exact) numbers, enums as numbers or names, non-finite doubles as strings.
 */
function toJsonObject(request: Request, random: () => number): object {
  const either = <T>(a: T, b: T): T => (random() < 0.5 ? a : b);
  const hex = (b: Buffer) => either(b.toString('hex'), b.toString('hex').toUpperCase());
  const int64 = (v: bigint) => (v >= -(2n ** 53n) + 1n && v <= 2n ** 53n - 1n ? either<string | number>(v.toString(), Number(v)) : v.toString());
  const kvs = (list: KeyValue[]): object[] => list.map((kv) => (kv.value ? { key: kv.key, value: anyValue(kv.value) } : { key: kv.key }));
  const anyValue = (v: Value): object => {
    switch (v.kind) {
      case 'string':
        return { stringValue: v.v };
      case 'bool':
        return { boolValue: v.v };
      case 'int':
        return { intValue: int64(v.v) };
      case 'double':
        return { doubleValue: Number.isFinite(v.v) ? v.v : String(v.v) };
      case 'bytes':
        return { bytesValue: v.v.toString('base64') };
      case 'array':
        return { arrayValue: { values: v.v.map(anyValue) } };
      case 'kvlist':
        return { kvlistValue: { values: kvs(v.v) } };
      default:
        return {};
    }
  };
  const status = (s: { code?: number; message?: string }) => ({
    ...(s.code !== undefined ? { code: either<string | number>(s.code, STATUS_CODES[s.code] as string) } : {}),
    ...(s.message !== undefined ? { message: s.message } : {}),
  });
  return {
    resourceSpans: request.resourceSpans.map((rs) => ({
      ...(rs.resource ? { resource: rs.resource.attributes ? { attributes: kvs(rs.resource.attributes) } : {} } : {}),
      scopeSpans: rs.scopeSpans.map((ss) => ({
        ...(ss.scope ? { scope: ss.scope } : {}),
        spans: ss.spans.map((s) => ({
          traceId: hex(s.traceId),
          spanId: hex(s.spanId),
          ...(s.parentSpanId ? { parentSpanId: hex(s.parentSpanId) } : {}),
          ...(s.name !== undefined ? { name: s.name } : {}),
          ...(s.kind !== undefined ? { kind: either<string | number>(s.kind, SPAN_KINDS[s.kind] as string) } : {}),
          ...(s.start !== undefined ? { startTimeUnixNano: int64(s.start) } : {}),
          ...(s.end !== undefined ? { endTimeUnixNano: int64(s.end) } : {}),
          attributes: kvs(s.attributes),
          events: s.events.map((e) => ({
            ...(e.name !== undefined ? { name: e.name } : {}),
            ...(e.time !== undefined ? { timeUnixNano: int64(e.time) } : {}),
            attributes: kvs(e.attributes),
          })),
          links: s.links.map((l) => ({ traceId: hex(l.traceId), spanId: hex(l.spanId), attributes: kvs(l.attributes) })),
          ...(s.status ? { status: status(s.status) } : {}),
        })),
      })),
    })),
  };
}
