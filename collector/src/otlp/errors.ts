/**
 * Thrown when a request body cannot be decoded as an OTLP ExportTraceServiceRequest at all. The
 * message says what is wrong and is safe to return to the client (the route answers 400 with it).
 * Spans that decode but are individually invalid do not throw: they are counted as rejected.
 */
export class OtlpDecodeError extends Error {
  readonly statusCode = 400;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OtlpDecodeError';
  }
}
