/** OTLP trace decoding and response encoding (public surface of `otlp/`). */
export { decodeTraceRequest } from './decode.js';
export { OtlpDecodeError } from './errors.js';
export { exportResponse, statusResponse, RpcCode } from './response.js';
export type { EncodedBody } from './response.js';
export { DECODE_LIMITS } from './limits.js';
export type { DecodedTraceRequest, OtlpFormat } from './types.js';
