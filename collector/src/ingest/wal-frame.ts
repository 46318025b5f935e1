/**
 * On-disk framing of one write-ahead-log entry: a 16-byte header (magic, payload length, span count,
 * CRC-32) followed by the batch as UTF-8 JSON. The CRC covers the length, the count and the payload,
 * so a torn write (crash mid-append, never acknowledged) or a corrupted block is detected on replay
 * instead of being handed to the correlator.
 */
import { crc32 } from 'node:zlib';
import type { SpanRecord } from '../model/span.js';

export const FRAME_HEADER_BYTES = 16;
const MAGIC = 0xca05e001;
/** A frame claiming more than this is treated as corruption rather than allocated. */
export const MAX_FRAME_PAYLOAD_BYTES = 512 * 1024 * 1024;

export interface FrameHeader {
  payloadBytes: number;
  spanCount: number;
  crc: number;
}

export function encodeFrame(spans: SpanRecord[]): Buffer {
  // The JSON is encoded straight into the frame: no intermediate payload buffer to copy.
  const json = JSON.stringify(spans);
  const payloadBytes = Buffer.byteLength(json, 'utf8');
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payloadBytes);
  frame.writeUInt32LE(MAGIC, 0);
  frame.writeUInt32LE(payloadBytes, 4);
  frame.writeUInt32LE(spans.length, 8);
  frame.write(json, FRAME_HEADER_BYTES, 'utf8');
  frame.writeUInt32LE(checksum(frame.subarray(4, 12), frame.subarray(FRAME_HEADER_BYTES)), 12);
  return frame;
}

/** Parses a header; returns a reason string when the bytes are not a frame header. */
export function parseHeader(header: Buffer): FrameHeader | string {
  if (header.length < FRAME_HEADER_BYTES) return 'truncated frame header';
  if (header.readUInt32LE(0) !== MAGIC) return 'bad frame magic';
  const payloadBytes = header.readUInt32LE(4);
  if (payloadBytes > MAX_FRAME_PAYLOAD_BYTES) return `implausible frame length ${payloadBytes}`;
  return { payloadBytes, spanCount: header.readUInt32LE(8), crc: header.readUInt32LE(12) };
}

/** True when the payload matches the header's checksum. */
export function verifyFrame(header: Buffer, parsed: FrameHeader, payload: Buffer): boolean {
  return checksum(header.subarray(4, 12), payload) === parsed.crc;
}

export function decodePayload(payload: Buffer): SpanRecord[] {
  return JSON.parse(payload.toString('utf8')) as SpanRecord[];
}

function checksum(lengthAndCount: Buffer, payload: Buffer): number {
  return crc32(payload, crc32(lengthAndCount));
}
