/**
 * The one step that turns an OTLP request body into the spans the collector accepts. The route uses
 * it to answer the client (400, partial success) and the write-ahead log uses it again to replay a
 * logged request body, so both paths accept exactly the same spans: anything done to spans between
 * decoding and `IngestPipeline.submit` belongs here, never in the route alone.
 */
import { decodeTraceRequest } from '../otlp/index.js';
import type { DecodedTraceRequest, OtlpFormat } from '../otlp/index.js';

/** A request body as received (after content decoding) and its OTLP encoding. */
export interface OtlpBody {
  body: Uint8Array;
  format: OtlpFormat;
}

/**
 * Decodes and validates a body; throws `OtlpDecodeError` when it is not an OTLP trace request.
 * Deterministic: the same bytes always give equal spans, which is what makes replay exact.
 */
export function decodeOtlpBatch(source: OtlpBody): DecodedTraceRequest {
  return decodeTraceRequest(source.body, source.format);
}
