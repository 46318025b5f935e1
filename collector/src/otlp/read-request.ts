/**
 * Reads a plain ExportTraceServiceRequest object into the wire-neutral `Decoded*` shape. `decode.ts`
 * uses it for `JSON.parse` output (OTLP/JSON: lowerCamelCase or snake_case names, ids as hex strings,
 * 64-bit integers as strings or numbers, bytes as base64). It also reads protobuf `Type.toObject`
 * output (64-bit integers as decimal strings, bytes as Buffers): that was the protobuf path until the
 * faster `read-protobuf.ts` replaced it, and its tests and `bench/ingest/decode-micro.ts` still hold
 * the new reader to this one's results. Structural problems (a field of the wrong type)
 * throw `OtlpDecodeError` naming the path; semantic ones (bad ids) are left to the validator so they
 * reject single spans only.
 */
import type { AttributeValue, Attributes } from '../model/span.js';
import type { DecodedEvent, DecodedLink, DecodedResourceSpans, DecodedScopeSpans, DecodedSpan } from './decoded.js';
import { OtlpDecodeError } from './errors.js';
import { DECODE_LIMITS, TRUNCATED_NESTING, boundString } from './limits.js';
import type { OtlpFormat } from './types.js';

type PlainObject = Record<string, unknown>;

const SPAN_KIND_NAMES = [
  'SPAN_KIND_UNSPECIFIED',
  'SPAN_KIND_INTERNAL',
  'SPAN_KIND_SERVER',
  'SPAN_KIND_CLIENT',
  'SPAN_KIND_PRODUCER',
  'SPAN_KIND_CONSUMER',
];
const STATUS_CODE_NAMES = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];

const INT64 = /^-?\d+$/;
const UINT64_MAX = (1n << 64n) - 1n;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

export function readExportRequest(body: unknown, format: OtlpFormat): DecodedResourceSpans[] {
  const reader = new RequestReader(format);
  return reader.request(body);
}

class RequestReader {
  private readonly prefix: string;

  constructor(format: OtlpFormat) {
    this.prefix = format === 'json' ? 'JSON body is not an ExportTraceServiceRequest' : 'protobuf body is not an ExportTraceServiceRequest';
  }

  request(body: unknown): DecodedResourceSpans[] {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new OtlpDecodeError(`${this.prefix}: the top level must be an object, got ${describe(body)}`);
    }
    const list = this.array(field(body as PlainObject, 'resourceSpans', 'resource_spans'), 'resourceSpans');
    return list.map((item, i) => this.resourceSpans(item, `resourceSpans[${i}]`));
  }

  private resourceSpans(value: unknown, path: string): DecodedResourceSpans {
    const rs = this.object(value, path);
    const resource = this.optionalObject(field(rs, 'resource'), `${path}.resource`);
    const scopeSpans = this.array(field(rs, 'scopeSpans', 'scope_spans'), `${path}.scopeSpans`);
    return {
      resource: resource ? this.attributes(field(resource, 'attributes'), `${path}.resource.attributes`) : {},
      scopeSpans: scopeSpans.map((item, i) => this.scopeSpans(item, `${path}.scopeSpans[${i}]`)),
    };
  }

  private scopeSpans(value: unknown, path: string): DecodedScopeSpans {
    const ss = this.object(value, path);
    const scope = this.optionalObject(field(ss, 'scope'), `${path}.scope`);
    const spans = this.array(field(ss, 'spans'), `${path}.spans`);
    const decoded: DecodedScopeSpans = { spans: spans.map((item, i) => this.span(item, `${path}.spans[${i}]`)) };
    if (scope) {
      decoded.scope = {
        name: this.string(field(scope, 'name'), `${path}.scope.name`),
        version: this.string(field(scope, 'version'), `${path}.scope.version`),
      };
    }
    return decoded;
  }

  private span(value: unknown, path: string): DecodedSpan {
    const s = this.object(value, path);
    const status = this.optionalObject(field(s, 'status'), `${path}.status`);
    const events = this.array(field(s, 'events'), `${path}.events`).slice(0, DECODE_LIMITS.maxEventsPerSpan);
    const links = this.array(field(s, 'links'), `${path}.links`).slice(0, DECODE_LIMITS.maxLinksPerSpan);
    return {
      traceId: this.id(field(s, 'traceId', 'trace_id'), `${path}.traceId`),
      spanId: this.id(field(s, 'spanId', 'span_id'), `${path}.spanId`),
      parentSpanId: this.id(field(s, 'parentSpanId', 'parent_span_id'), `${path}.parentSpanId`),
      name: this.string(field(s, 'name'), `${path}.name`),
      kind: this.enumValue(field(s, 'kind'), SPAN_KIND_NAMES, `${path}.kind`),
      startTimeUnixNano: this.uint64(field(s, 'startTimeUnixNano', 'start_time_unix_nano'), `${path}.startTimeUnixNano`),
      endTimeUnixNano: this.uint64(field(s, 'endTimeUnixNano', 'end_time_unix_nano'), `${path}.endTimeUnixNano`),
      attributes: this.attributes(field(s, 'attributes'), `${path}.attributes`),
      events: events.map((item, i) => this.event(item, `${path}.events[${i}]`)),
      links: links.map((item, i) => this.link(item, `${path}.links[${i}]`)),
      statusCode: status ? this.enumValue(field(status, 'code'), STATUS_CODE_NAMES, `${path}.status.code`) : 0,
      statusMessage: status ? this.string(field(status, 'message'), `${path}.status.message`) : '',
    };
  }

  private event(value: unknown, path: string): DecodedEvent {
    const e = this.object(value, path);
    return {
      name: this.string(field(e, 'name'), `${path}.name`),
      timeUnixNano: this.uint64(field(e, 'timeUnixNano', 'time_unix_nano'), `${path}.timeUnixNano`),
      attributes: this.attributes(field(e, 'attributes'), `${path}.attributes`),
    };
  }

  private link(value: unknown, path: string): DecodedLink {
    const l = this.object(value, path);
    return {
      traceId: this.id(field(l, 'traceId', 'trace_id'), `${path}.traceId`),
      spanId: this.id(field(l, 'spanId', 'span_id'), `${path}.spanId`),
      attributes: this.attributes(field(l, 'attributes'), `${path}.attributes`),
    };
  }

  /** A KeyValue list as a record. Duplicate keys: the last one wins (the spec forbids duplicates). */
  private attributes(value: unknown, path: string): Attributes {
    return this.keyValues(value, path, 0);
  }

  private keyValues(value: unknown, path: string, depth: number): Attributes {
    const list = this.array(value, path).slice(0, DECODE_LIMITS.maxCollectionEntries);
    const result: Attributes = {};
    list.forEach((item, i) => {
      const kv = this.object(item, `${path}[${i}]`);
      const key = this.string(field(kv, 'key'), `${path}[${i}].key`);
      setOwn(result, key, this.anyValue(field(kv, 'value'), `${path}[${i}].value`, depth));
    });
    return result;
  }

  /** AnyValue → AttributeValue. An empty AnyValue is null; int64 beyond 2^53 stays an exact string. */
  private anyValue(value: unknown, path: string, depth: number): AttributeValue {
    if (value === undefined || value === null) return null;
    const v = this.object(value, path);
    let x = field(v, 'stringValue', 'string_value');
    if (x !== undefined && x !== null) return boundString(this.string(x, `${path}.stringValue`));
    x = field(v, 'boolValue', 'bool_value');
    if (x !== undefined && x !== null) {
      if (typeof x !== 'boolean') this.fail(`${path}.boolValue`, 'must be a boolean', x);
      return x;
    }
    x = field(v, 'intValue', 'int_value');
    if (x !== undefined && x !== null) return int64Attribute(this.int64(x, `${path}.intValue`));
    x = field(v, 'doubleValue', 'double_value');
    if (x !== undefined && x !== null) return this.double(x, `${path}.doubleValue`);
    x = field(v, 'bytesValue', 'bytes_value');
    if (x !== undefined && x !== null) return boundString(this.bytesAsBase64(x, `${path}.bytesValue`));
    x = field(v, 'arrayValue', 'array_value');
    if (x !== undefined && x !== null) {
      if (depth >= DECODE_LIMITS.maxValueDepth) return TRUNCATED_NESTING;
      const values = this.array(field(this.object(x, `${path}.arrayValue`), 'values'), `${path}.arrayValue.values`);
      return values
        .slice(0, DECODE_LIMITS.maxCollectionEntries)
        .map((item, i) => this.anyValue(item, `${path}.arrayValue.values[${i}]`, depth + 1));
    }
    x = field(v, 'kvlistValue', 'kvlist_value');
    if (x !== undefined && x !== null) {
      if (depth >= DECODE_LIMITS.maxValueDepth) return TRUNCATED_NESTING;
      return this.keyValues(field(this.object(x, `${path}.kvlistValue`), 'values'), `${path}.kvlistValue.values`, depth + 1);
    }
    return null;
  }

  /** Ids: bytes from protobuf become hex; JSON hex strings are lower-cased. Validity is checked later. */
  private id(value: unknown, path: string): string {
    if (value === undefined || value === null) return '';
    if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex');
    if (typeof value === 'string') return value.toLowerCase();
    return this.fail(path, 'must be a hex string', value);
  }

  private bytesAsBase64(value: unknown, path: string): string {
    if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
    if (typeof value === 'string') return value;
    return this.fail(path, 'must be a base64 string', value);
  }

  private int64(value: unknown, path: string): bigint {
    let parsed: bigint | undefined;
    if (typeof value === 'string' && INT64.test(value)) parsed = BigInt(value);
    else if (typeof value === 'number' && Number.isInteger(value)) parsed = BigInt(value);
    if (parsed === undefined || parsed < INT64_MIN || parsed > INT64_MAX) {
      return this.fail(path, 'must be a 64-bit integer (a decimal string or an integer number)', value);
    }
    return parsed;
  }

  /** fixed64 nanosecond timestamps; absent means 0, like the protobuf default. */
  private uint64(value: unknown, path: string): bigint {
    if (value === undefined || value === null) return 0n;
    let parsed: bigint | undefined;
    if (typeof value === 'string' && /^\d+$/.test(value)) parsed = BigInt(value);
    else if (typeof value === 'number' && Number.isInteger(value) && value >= 0) parsed = BigInt(value);
    if (parsed === undefined || parsed > UINT64_MAX) {
      return this.fail(path, 'must be an unsigned 64-bit integer (a decimal string or an integer number)', value);
    }
    return parsed;
  }

  /** proto3 JSON writes non-finite doubles as "NaN"/"Infinity"; they stay strings so they survive JSON storage. */
  private double(value: unknown, path: string): number | string {
    const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
    if (typeof value === 'string' && Number.isNaN(n) && value !== 'NaN') return this.fail(path, 'must be a number', value);
    return Number.isFinite(n) ? n : String(n);
  }

  private enumValue(value: unknown, names: string[], path: string): number {
    if (value === undefined || value === null) return 0;
    if (typeof value === 'number' && Number.isInteger(value)) return value;
    if (typeof value === 'string') {
      const index = names.indexOf(value);
      if (index >= 0) return index;
    }
    return this.fail(path, `must be an enum number or one of ${names.join(', ')}`, value);
  }

  private string(value: unknown, path: string): string {
    if (value === undefined || value === null) return '';
    if (typeof value !== 'string') return this.fail(path, 'must be a string', value);
    return value;
  }

  private object(value: unknown, path: string): PlainObject {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Uint8Array) {
      return this.fail(path, 'must be an object', value);
    }
    return value as PlainObject;
  }

  private optionalObject(value: unknown, path: string): PlainObject | undefined {
    return value === undefined || value === null ? undefined : this.object(value, path);
  }

  private array(value: unknown, path: string): unknown[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) return this.fail(path, 'must be an array', value);
    return value;
  }

  private fail(path: string, what: string, got: unknown): never {
    throw new OtlpDecodeError(`${this.prefix}: ${path} ${what}, got ${describe(got)}`);
  }
}

/** Reads a field by its proto3 JSON name, falling back to the original snake_case proto name. */
function field(obj: PlainObject, camel: string, snake?: string): unknown {
  const value = Object.hasOwn(obj, camel) ? obj[camel] : undefined;
  if (value !== undefined || snake === undefined) return value;
  return Object.hasOwn(obj, snake) ? obj[snake] : undefined;
}

/** Plain assignment would turn a `__proto__` key into a prototype change instead of a property. */
function setOwn(target: Attributes, key: string, value: AttributeValue): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function int64Attribute(value: bigint): number | string {
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : value.toString();
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Uint8Array) return 'bytes';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
