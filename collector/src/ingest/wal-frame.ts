/**
 * On-disk framing of one write-ahead-log entry. Two frame types, told apart by their magic:
 *
 * - OTLP frame (written by this version): 20-byte header (magic, payload length, span count, body
 *   encoding, CRC-32) followed by the OTLP request body exactly as received (after content
 *   decoding). Logging the client's bytes costs no re-encoding and is about half the size of the
 *   decoded spans as JSON; replay decodes the body again with `decodeOtlpBatch`, the route's own
 *   decoder, which is deterministic, so the same spans come back.
 * - Span frame (the original format, still written for batches that have no request body): 16-byte
 *   header (magic, payload length, span count, CRC-32) followed by the `SpanRecord[]` as UTF-8 JSON.
 *   Kept readable so a WAL left by an older collector replays after an upgrade.
 *
 * The CRC covers every header field after the magic and the payload, so a torn write (crash
 * mid-append, never acknowledged) or a corrupted block is detected on replay instead of being
 * handed to the correlator.
 */
import { crc32 } from 'node:zlib';
import type { SpanRecord } from '../model/span.js';
import { decodeOtlpBatch } from './otlp-batch.js';
import type { OtlpBody } from './otlp-batch.js';

const SPAN_FRAME_MAGIC = 0xca05e001;
const SPAN_FRAME_HEADER_BYTES = 16;
const OTLP_FRAME_MAGIC = 0xca05e002;
const OTLP_FRAME_HEADER_BYTES = 20;
/** Enough bytes to parse the header of either frame type. */
export const MAX_FRAME_HEADER_BYTES = OTLP_FRAME_HEADER_BYTES;
/** A frame claiming more than this is treated as corruption rather than allocated. */
export const MAX_FRAME_PAYLOAD_BYTES = 512 * 1024 * 1024;

/** Numbers stored in an OTLP frame's header for the body's encoding. */
const FORMAT_CODES = { protobuf: 1, json: 2 } as const;

export type FramePayload = { kind: 'spans-json' } | { kind: 'otlp'; format: OtlpBody['format'] };

export interface FrameHeader {
  headerBytes: number;
  payloadBytes: number;
  spanCount: number;
  crc: number;
  payload: FramePayload;
}

/** A frame as the buffers to write, in order (the request body is not copied into a frame buffer). */
export interface EncodedFrame {
  chunks: Buffer[];
  byteLength: number;
}

/** An OTLP frame around a request body whose decoding accepted `spanCount` spans. */
export function encodeOtlpFrame(source: OtlpBody, spanCount: number): EncodedFrame {
  const body = Buffer.from(source.body.buffer, source.body.byteOffset, source.body.byteLength);
  const header = Buffer.allocUnsafe(OTLP_FRAME_HEADER_BYTES);
  header.writeUInt32LE(OTLP_FRAME_MAGIC, 0);
  header.writeUInt32LE(body.length, 4);
  header.writeUInt32LE(spanCount, 8);
  header.writeUInt32LE(FORMAT_CODES[source.format], 12);
  header.writeUInt32LE(checksum(header.subarray(4, 16), body), 16);
  return { chunks: [header, body], byteLength: header.length + body.length };
}

/** A span frame: the spans themselves as JSON (for batches that did not come with a request body). */
export function encodeSpanFrame(spans: SpanRecord[]): EncodedFrame {
  // The JSON is encoded straight into the frame: no intermediate payload buffer to copy.
  const json = JSON.stringify(spans);
  const payloadBytes = Buffer.byteLength(json, 'utf8');
  const frame = Buffer.allocUnsafe(SPAN_FRAME_HEADER_BYTES + payloadBytes);
  frame.writeUInt32LE(SPAN_FRAME_MAGIC, 0);
  frame.writeUInt32LE(payloadBytes, 4);
  frame.writeUInt32LE(spans.length, 8);
  frame.write(json, SPAN_FRAME_HEADER_BYTES, 'utf8');
  frame.writeUInt32LE(checksum(frame.subarray(4, 12), frame.subarray(SPAN_FRAME_HEADER_BYTES)), 12);
  return { chunks: [frame], byteLength: frame.length };
}

/** Parses the header at the start of `bytes`; returns a reason string when they are not a frame header. */
export function parseHeader(bytes: Buffer): FrameHeader | string {
  if (bytes.length < 4) return 'truncated frame header';
  const magic = bytes.readUInt32LE(0);
  const headerBytes = magic === OTLP_FRAME_MAGIC ? OTLP_FRAME_HEADER_BYTES : magic === SPAN_FRAME_MAGIC ? SPAN_FRAME_HEADER_BYTES : 0;
  if (headerBytes === 0) return 'bad frame magic';
  if (bytes.length < headerBytes) return 'truncated frame header';
  const payloadBytes = bytes.readUInt32LE(4);
  if (payloadBytes > MAX_FRAME_PAYLOAD_BYTES) return `implausible frame length ${payloadBytes}`;
  const spanCount = bytes.readUInt32LE(8);
  const crc = bytes.readUInt32LE(headerBytes - 4);
  if (magic === SPAN_FRAME_MAGIC) return { headerBytes, payloadBytes, spanCount, crc, payload: { kind: 'spans-json' } };
  const formatCode = bytes.readUInt32LE(12);
  // An unknown code fails the CRC anyway when it is corruption; checked here so it never reaches a decoder.
  const format = formatCode === FORMAT_CODES.protobuf ? 'protobuf' : formatCode === FORMAT_CODES.json ? 'json' : undefined;
  if (format === undefined) return `unknown OTLP body encoding ${formatCode}`;
  return { headerBytes, payloadBytes, spanCount, crc, payload: { kind: 'otlp', format } };
}

/** True when the payload matches the checksum of the header at the start of `header`. */
export function verifyFrame(header: Buffer, parsed: FrameHeader, payload: Buffer): boolean {
  return checksum(header.subarray(4, parsed.headerBytes - 4), payload) === parsed.crc;
}

/** The spans of a verified frame: an OTLP body is decoded again exactly as the route decoded it. */
export function decodePayload(parsed: FrameHeader, payload: Buffer): SpanRecord[] {
  if (parsed.payload.kind === 'spans-json') return JSON.parse(payload.toString('utf8')) as SpanRecord[];
  return decodeOtlpBatch({ body: payload, format: parsed.payload.format }).spans;
}

function checksum(headerFields: Buffer, payload: Buffer): number {
  return crc32(payload, crc32(headerFields));
}
