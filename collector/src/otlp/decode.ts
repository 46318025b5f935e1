/**
 * Entry point of OTLP trace decoding: bytes of an ExportTraceServiceRequest (protobuf or OTLP/JSON,
 * already decompressed) → validated `SpanRecord`s plus the partial-success count.
 */
import protobuf from 'protobufjs/light.js';
import { ExportTraceServiceRequestType } from './schema.js';
import { OtlpDecodeError } from './errors.js';
import { readExportRequest } from './read-request.js';
import { toSpanRecords } from './to-span-records.js';
import type { DecodedTraceRequest, OtlpFormat } from './types.js';

/** Options for turning decoded protobuf messages into plain objects the shared reader understands. */
const TO_OBJECT = { longs: String, enums: Number, defaults: false, arrays: true, oneofs: false } as const;

export function decodeTraceRequest(body: Uint8Array, format: OtlpFormat): DecodedTraceRequest {
  // An empty body is a valid (empty) protobuf message; for JSON we treat it the same way.
  if (body.byteLength === 0) return { spans: [], rejectedSpans: 0 };
  const plain = format === 'protobuf' ? parseProtobuf(body) : parseJson(body);
  return toSpanRecords(readExportRequest(plain, format));
}

function parseProtobuf(body: Uint8Array): unknown {
  const reader = protobuf.Reader.create(body);
  let message;
  try {
    message = ExportTraceServiceRequestType.decode(reader);
  } catch (err) {
    // protobufjs says e.g. "index out of range" or "invalid wire type 7 at offset 3"; add where it stopped when it does not.
    const reason = errorMessage(err);
    const where = /offset/.test(reason) ? '' : ` (stopped at byte ${reader.pos} of ${body.byteLength})`;
    throw new OtlpDecodeError(`invalid protobuf: ${reason}${where}`, { cause: err });
  }
  return ExportTraceServiceRequestType.toObject(message, TO_OBJECT);
}

function parseJson(body: Uint8Array): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch (err) {
    throw new OtlpDecodeError('invalid JSON: the body is not valid UTF-8', { cause: err });
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new OtlpDecodeError(`invalid JSON: ${errorMessage(err)}`, { cause: err });
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
