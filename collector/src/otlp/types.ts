/** Public types of the OTLP decoding module. */
import type { SpanRecord } from '../model/span.js';

/** The two OTLP/HTTP encodings. */
export type OtlpFormat = 'protobuf' | 'json';

/** Result of decoding one ExportTraceServiceRequest. */
export interface DecodedTraceRequest {
  /** Valid spans, in request order. */
  spans: SpanRecord[];
  /** Spans left out because they were invalid (reported to the client as `partial_success`). */
  rejectedSpans: number;
  /** Why spans were rejected (the first few reasons); absent when nothing was rejected. */
  errorMessage?: string;
}
