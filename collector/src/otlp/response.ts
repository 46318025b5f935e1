/**
 * OTLP/HTTP response bodies, encoded in the format of the request as the spec requires:
 * `ExportTraceServiceResponse` for 200s and a `google.rpc.Status` for 4xx/5xx.
 */
import { ExportTraceServiceResponseType, RpcStatusType } from './schema.js';
import type { OtlpFormat } from './types.js';

/** google.rpc.Code values used in error bodies. */
export const RpcCode = {
  INVALID_ARGUMENT: 3,
  RESOURCE_EXHAUSTED: 8,
  INTERNAL: 13,
  UNAVAILABLE: 14,
} as const;

export interface EncodedBody {
  contentType: string;
  body: Buffer | string;
}

export function exportResponse(format: OtlpFormat, partial?: { rejectedSpans: number; errorMessage: string }): EncodedBody {
  if (format === 'json') {
    // proto3 JSON writes int64 as a string.
    const body = partial ? { partialSuccess: { rejectedSpans: String(partial.rejectedSpans), errorMessage: partial.errorMessage } } : {};
    return { contentType: 'application/json', body: JSON.stringify(body) };
  }
  const message = ExportTraceServiceResponseType.create(partial ? { partialSuccess: partial } : {});
  return { contentType: 'application/x-protobuf', body: Buffer.from(ExportTraceServiceResponseType.encode(message).finish()) };
}

export function statusResponse(format: OtlpFormat, code: number, message: string): EncodedBody {
  if (format === 'json') return { contentType: 'application/json', body: JSON.stringify({ code, message }) };
  const status = RpcStatusType.create({ code, message });
  return { contentType: 'application/x-protobuf', body: Buffer.from(RpcStatusType.encode(status).finish()) };
}
