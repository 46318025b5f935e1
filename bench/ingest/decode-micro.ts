/**
 * Micro-benchmark of OTLP protobuf decoding (bytes → SpanRecord[]), the collector's CPU cost per
 * span before anything is stored. Not part of `npm run bench`; run it directly:
 *
 *   node --expose-gc --import tsx bench/ingest/decode-micro.ts [--requests 200] [--rounds 5] [--baseline path/to/decode.ts]
 *
 * It decodes the same requests the ingest bench posts (`generateMessagingSpans` + `toOtlpRequests`,
 * 512 spans each, as Buffers like the route hands over) with:
 *  - `current`: the collector's `decodeTraceRequest`;
 *  - `generic`: the protobuf path as it was before issue 6 — `Type.toObject`, then the reader shared
 *    with OTLP/JSON — rebuilt from the modules that still exist, so the comparison stays runnable;
 *  - `baseline` (optional): `decodeTraceRequest` from another copy of `collector/src/otlp`.
 * The variants alternate within each round (order reversed every round) so machine load falls on
 * all of them; the figures are medians of CPU µs per span (this process's user + system time, which
 * counts GC threads and is less disturbed than wall time by other work on the machine), and the ratio
 * to `current`.
 *
 * To compare two versions of the decoder, put each in turn in the `baseline` slot: `current` shares
 * `to-span-records.ts` with `generic`, which feeds it objects of another shape, and that alone made
 * the same code read ~2.4× slower in `current` than in `baseline` (11.9 vs 5.0 µs per span).
 */
import { parseArgs } from 'node:util';
import { isDeepStrictEqual } from 'node:util';
import protobuf from 'protobufjs/light.js';
import { decodeTraceRequest } from '../../collector/src/otlp/decode.js';
import { readExportRequest } from '../../collector/src/otlp/read-request.js';
import { ExportTraceServiceRequestType } from '../../collector/src/otlp/schema.js';
import { toSpanRecords } from '../../collector/src/otlp/to-span-records.js';
import { SPANS_PER_REQUEST } from './ingest-bench.js';
import { generateMessagingSpans, toOtlpRequests } from './messaging-spans.js';

type Decode = (body: Uint8Array) => unknown;

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '5' },
    baseline: { type: 'string' },
  },
});
const requestCount = Number(values.requests);
const rounds = Number(values.rounds);

/** The pre-issue-6 protobuf path: decode, `toObject` (Longs → strings), generic reader, validation. */
function genericDecode(body: Uint8Array): unknown {
  const message = ExportTraceServiceRequestType.decode(protobuf.Reader.create(body));
  const plain = ExportTraceServiceRequestType.toObject(message, { longs: String, enums: Number, defaults: false, arrays: true, oneofs: false });
  return toSpanRecords(readExportRequest(plain, 'protobuf'));
}

const variants: Array<{ name: string; decode: Decode }> = [
  { name: 'current', decode: (body) => decodeTraceRequest(body, 'protobuf') },
  { name: 'generic', decode: genericDecode },
];
if (values.baseline) {
  const module = (await import(new URL(values.baseline, `file://${process.cwd()}/`).href)) as { decodeTraceRequest: typeof decodeTraceRequest };
  variants.push({ name: 'baseline', decode: (body) => module.decodeTraceRequest(body, 'protobuf') });
}

const bodies = toOtlpRequests(generateMessagingSpans(requestCount * SPANS_PER_REQUEST, { runId: 'dec0de', endMs: 1_700_000_000_000 }), SPANS_PER_REQUEST).map(
  (body) => Buffer.from(body.buffer, body.byteOffset, body.byteLength),
);
const spanCount = requestCount * SPANS_PER_REQUEST;

// Every variant must produce the same records, or the timing compares different work.
const [first] = bodies;
if (first) {
  const reference = variants[0]?.decode(first);
  for (const variant of variants.slice(1)) {
    if (!isDeepStrictEqual(variant.decode(first), reference)) throw new Error(`${variant.name} decodes differently from current`);
  }
}

/** CPU µs per span for one pass over every request. */
function timeOnce(decode: Decode): number {
  // With --expose-gc, start each pass from a collected heap so one variant's garbage is not billed to the next.
  (globalThis as { gc?: () => void }).gc?.();
  const start = process.cpuUsage();
  for (const body of bodies) decode(body);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / spanCount;
}

// Warm-up: let the JIT settle on every variant before timing.
for (const variant of variants) for (let i = 0; i < 2; i++) timeOnce(variant.decode);

const samples = new Map<string, number[]>(variants.map((v) => [v.name, []]));
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? variants : [...variants].reverse();
  for (const variant of order) samples.get(variant.name)?.push(timeOnce(variant.decode));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const current = median(samples.get('current') ?? []);
console.log(`${spanCount} spans in ${requestCount} requests, ${rounds} rounds (medians)`);
for (const variant of variants) {
  const us = median(samples.get(variant.name) ?? []);
  const all = (samples.get(variant.name) ?? []).map((x) => x.toFixed(2)).join(' ');
  console.log(`${variant.name.padEnd(9)} ${us.toFixed(2)} CPU µs/span  (×${(us / current).toFixed(2)} of current)  [${all}]`);
}
