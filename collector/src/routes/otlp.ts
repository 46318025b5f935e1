/**
 * `POST /v1/traces`: OTLP/HTTP trace ingest, so any OpenTelemetry SDK's OTLP exporter (protobuf or
 * JSON, optionally gzip'ed) can send to the collector directly.
 *
 * Responses follow the OTLP/HTTP spec: 200 with an ExportTraceServiceResponse (with
 * `partialSuccess` when some spans were invalid) only after the batch is in the write-ahead log;
 * errors carry a google.rpc.Status body encoded like the request (protobuf for protobuf requests,
 * JSON otherwise, including when the content type itself is unsupported); 503 + Retry-After when the
 * pipeline refuses, which OTLP clients retry.
 *
 * This plugin is deliberately not wrapped in fastify-plugin: its content-type parsers and error
 * handler stay encapsulated, so the rest of the app keeps Fastify's defaults.
 */
import { promisify } from 'node:util';
import { gunzip, inflate, inflateRaw } from 'node:zlib';
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { decodeOtlpBatch } from '../ingest/otlp-batch.js';
import type { IngestPipeline } from '../ingest/pipeline.js';
import { RpcCode, exportResponse, statusResponse } from '../otlp/index.js';
import type { OtlpFormat } from '../otlp/index.js';

export interface OtlpRoutesOptions {
  /** Where accepted spans go (only `submit` is used). */
  pipeline: Pick<IngestPipeline, 'submit'>;
  /** Largest request body, checked on the compressed AND the decompressed size. Default 16 MiB. */
  maxBodyBytes?: number;
}

const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
/** Retry-After when the write-ahead log could not be written (e.g. disk full). */
const RETRY_AFTER_STORAGE_FAILURE_SECONDS = 5;

const PROTOBUF_TYPES = ['application/x-protobuf', 'application/protobuf'];
const JSON_TYPE = 'application/json';

type ContentCoding = 'identity' | 'gzip' | 'deflate';

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);
const inflateRawAsync = promisify(inflateRaw);

/** A client error with the HTTP status it maps to; its message goes back to the client. */
class OtlpHttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

const otlpRoutes: FastifyPluginAsync<OtlpRoutesOptions> = async (app, opts) => {
  const { pipeline } = opts;
  const maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    [...PROTOBUF_TYPES, JSON_TYPE],
    // Fastify reads the (possibly compressed) body and enforces the limit on its size; the
    // decompressed size is limited here.
    { parseAs: 'buffer', bodyLimit: maxBodyBytes },
    async (request: FastifyRequest, body: Buffer) => decompress(body, contentCoding(request), maxBodyBytes),
  );

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'OTLP export failed');
      return sendStatus(request, reply, 500, RpcCode.INTERNAL, 'the collector failed to handle this export; see its log');
    }
    return sendStatus(request, reply, status, RpcCode.INVALID_ARGUMENT, clientMessage(error, request, maxBodyBytes));
  });

  app.post(
    '/v1/traces',
    {
      bodyLimit: maxBodyBytes,
      // Exporters post every few seconds: a log line per request would drown what matters.
      // Failures are still logged (warn and above).
      logLevel: 'warn',
      // Refuse an unknown content coding before reading the body.
      onRequest: async (request) => {
        contentCoding(request);
      },
    },
    async (request, reply) => {
      const format = requestFormat(request) ?? 'json';
      const source = { body: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0), format };
      // The decoding the write-ahead log repeats on replay: the body is logged, not the spans.
      const decoded = decodeOtlpBatch(source);

      if (decoded.spans.length > 0) {
        let result;
        try {
          result = await pipeline.submit(decoded.spans, source);
        } catch (err) {
          request.log.error({ err, spans: decoded.spans.length }, 'could not write an OTLP batch to the write-ahead log');
          reply.header('retry-after', String(RETRY_AFTER_STORAGE_FAILURE_SECONDS));
          return sendStatus(request, reply, 503, RpcCode.UNAVAILABLE, 'the collector could not persist the batch; retry later');
        }
        if (!result.accepted) {
          reply.header('retry-after', String(result.retryAfterSeconds));
          return sendStatus(request, reply, 503, RpcCode.UNAVAILABLE, `the collector is busy; retry after ${result.retryAfterSeconds} s`);
        }
      }

      const partial = decoded.rejectedSpans > 0 ? { rejectedSpans: decoded.rejectedSpans, errorMessage: decoded.errorMessage ?? '' } : undefined;
      const response = exportResponse(format, partial);
      return reply.code(200).type(response.contentType).send(response.body);
    },
  );
};

export default otlpRoutes;

function sendStatus(request: FastifyRequest, reply: FastifyReply, httpStatus: number, rpcCode: number, message: string): FastifyReply {
  const response = statusResponse(requestFormat(request) ?? 'json', rpcCode, message);
  return reply.code(httpStatus).type(response.contentType).send(response.body);
}

function clientMessage(error: FastifyError, request: FastifyRequest, maxBodyBytes: number): string {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return `request body is larger than the limit of ${maxBodyBytes} bytes`;
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return `unsupported content type ${JSON.stringify(request.headers['content-type'] ?? '')}; send application/x-protobuf or application/json`;
    default:
      return error.message;
  }
}

/** The OTLP encoding of a request, from its media type (parameters such as charset ignored). */
function requestFormat(request: FastifyRequest): OtlpFormat | undefined {
  const mediaType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (mediaType === JSON_TYPE) return 'json';
  if (PROTOBUF_TYPES.includes(mediaType)) return 'protobuf';
  return undefined;
}

function contentCoding(request: FastifyRequest): ContentCoding {
  const header = request.headers['content-encoding'];
  const codings = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
  if (codings.length === 0) return 'identity';
  const [coding] = codings;
  if (codings.length === 1 && (coding === 'gzip' || coding === 'x-gzip')) return 'gzip';
  if (codings.length === 1 && coding === 'deflate') return 'deflate';
  throw new OtlpHttpError(415, `unsupported Content-Encoding ${JSON.stringify(String(header))}; use gzip, deflate or identity`);
}

async function decompress(body: Buffer, coding: ContentCoding, limit: number): Promise<Buffer> {
  if (coding === 'identity') return body;
  const options = { maxOutputLength: limit };
  try {
    if (coding === 'gzip') return await gunzipAsync(body, options);
    // HTTP "deflate" means zlib-wrapped, but some clients send raw deflate; the zlib header tells them apart.
    return await (hasZlibHeader(body) ? inflateAsync(body, options) : inflateRawAsync(body, options));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new OtlpHttpError(413, `decompressed request body is larger than the limit of ${limit} bytes`);
    }
    throw new OtlpHttpError(400, `invalid ${coding} body: ${(err as Error).message}`);
  }
}

function hasZlibHeader(body: Buffer): boolean {
  const [cmf, flg] = body;
  return cmf !== undefined && flg !== undefined && (cmf & 0x0f) === 8 && ((cmf << 8) | flg) % 31 === 0;
}
