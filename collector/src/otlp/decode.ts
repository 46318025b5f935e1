/**
 * Entry point of OTLP trace decoding: bytes of an ExportTraceServiceRequest (protobuf or OTLP/JSON,
 * already decompressed) → validated `SpanRecord`s plus the partial-success count.
 */
import protobuf from 'protobufjs/light.js';
import { OtlpDecodeError } from './errors.js';
import { readExportRequest } from './read-request.js';
import { readProtobufRequest } from './read-protobuf.js';
import { toSpanRecords } from './to-span-records.js';
import type { DecodedResourceSpans } from './decoded.js';
import type { DecodedTraceRequest, OtlpFormat } from './types.js';

export function decodeTraceRequest(body: Uint8Array, format: OtlpFormat): DecodedTraceRequest {
  // An empty body is a valid (empty) protobuf message; for JSON we treat it the same way.
  if (body.byteLength === 0) return { spans: [], rejectedSpans: 0 };
  const resourceSpans = format === 'protobuf' ? parseProtobuf(body) : readExportRequest(parseJson(body), format);
  return toSpanRecords(resourceSpans);
}

/**
 * Reads the wire format straight into the decoded shape (`read-protobuf.ts`). A Buffer view of the
 * bytes makes protobufjs' reader decode strings natively, as it does for the Buffers the route
 * passes, so any caller gets the same strings for the same bytes.
 */
function parseProtobuf(body: Uint8Array): DecodedResourceSpans[] {
  const reader = protobuf.Reader.create(Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength));
  try {
    return readProtobufRequest(reader);
  } catch (err) {
    // protobufjs says e.g. "index out of range" or "invalid wire type 7 at offset 3"; add where it stopped when it does not.
    const reason = errorMessage(err);
    const where = /offset/.test(reason) ? '' : ` (stopped at byte ${reader.pos} of ${body.byteLength})`;
    throw new OtlpDecodeError(`invalid protobuf: ${reason}${where}`, { cause: err });
  }
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
