/**
 * Write-ahead log of accepted span batches. The collector acknowledges an OTLP request only after
 * its batch is appended here and fdatasync'ed, so a crash after the 2xx loses nothing.
 *
 * What is logged: the OTLP request body as received (after content decoding), its encoding and the
 * number of spans its decoding accepted — not the decoded spans re-encoded, which cost CPU on every
 * request and were about twice as large. Replay, and a read of an entry no longer held in memory, decode
 * the body again with the route's decoder (`decodeOtlpBatch`, deterministic), so exactly the spans
 * promised to the client come back. Batches without a request body, and WALs left by older
 * versions, use frames holding the spans as JSON; both frame types are read (`wal-frame.ts`).
 *
 * Layout: numbered segment files (`0000000000000001.wal`, …), each a sequence of frames
 * (`wal-frame.ts`). Appends go to the newest ("active") segment; concurrent appends are written
 * together and share one fdatasync (group commit). Entries are handed to the consumer in append
 * order. `release(seq)` deletes every segment whose entries are all processed, including the active
 * one, so a caught-up collector keeps no WAL at all; a crash between processing and release only
 * means those entries are replayed (downstream writes are idempotent).
 */
import { mkdir, open, readdir, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { SpanRecord } from '../model/span.js';
import type { OtlpBody } from './otlp-batch.js';
import { MAX_FRAME_HEADER_BYTES, decodePayload, encodeOtlpFrame, encodeSpanFrame, parseHeader, verifyFrame } from './wal-frame.js';
import type { EncodedFrame } from './wal-frame.js';
import { WalLock } from './wal-lock.js';

/** Where one appended batch lives. `seq` orders entries across segments (1, 2, … per process run). */
export interface WalEntry {
  seq: number;
  segment: number;
  offset: number;
  byteLength: number;
  spanCount: number;
}

export interface WalLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface WalOptions {
  dir: string;
  /** Start a new segment once the active one reaches this size. Default 16 MiB. */
  maxSegmentBytes?: number;
  /**
   * Spans of the most recently appended entries kept in memory (until `release`), so that `read`
   * of an entry the consumer reaches soon after its append costs no disk read and no second decode.
   * Default 0 (every read goes to disk). Entries beyond the budget are read from disk as usual.
   */
  recentSpans?: number;
  /** Called synchronously, in seq order, with entries that just became durable (before their appends resolve). */
  onDurable: (entries: WalEntry[]) => void;
  log?: WalLogger;
}

interface Segment {
  id: number;
  path: string;
  handle: FileHandle;
  size: number;
  /** Seq of the last entry in the segment; 0 while empty. */
  lastSeq: number;
}

interface PendingAppend {
  frame: EncodedFrame;
  spans: SpanRecord[];
  spanCount: number;
  resolve: (entry: WalEntry) => void;
  reject: (err: Error) => void;
}

const SEGMENT_FILE = /^(\d{16})\.wal$/;
const DEFAULT_MAX_SEGMENT_BYTES = 16 * 1024 * 1024;

export class WriteAheadLog {
  private readonly segments = new Map<number, Segment>();
  private active: Segment | undefined;
  /** The active segment saw a failed write; appends move on to a fresh segment. */
  private activeBroken = false;
  private lastSegmentId = 0;
  private lastSeq = 0;
  private pending: PendingAppend[] = [];
  private flushQueued = false;
  /** Every file operation runs on this chain, one at a time: appends, deletions, close. */
  private chain: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly maxSegmentBytes: number;
  /** Spans of recent entries by seq (see `WalOptions.recentSpans`), and how many spans they hold. */
  private readonly recent = new Map<number, SpanRecord[]>();
  private recentSpanCount = 0;

  private constructor(
    private readonly dir: string,
    private readonly lock: WalLock,
    private readonly options: WalOptions,
  ) {
    this.maxSegmentBytes = options.maxSegmentBytes ?? DEFAULT_MAX_SEGMENT_BYTES;
  }

  /** Opens (creating if needed) the WAL in `dir` and returns the entries left by a previous run, oldest first. */
  static async open(options: WalOptions): Promise<{ wal: WriteAheadLog; replay: WalEntry[] }> {
    await mkdir(options.dir, { recursive: true });
    const lock = await WalLock.acquire(options.dir);
    const wal = new WriteAheadLog(options.dir, lock, options);
    try {
      const replay = await wal.scanExisting();
      return { wal, replay };
    } catch (err) {
      await wal.closeHandles();
      await lock.release();
      throw err;
    }
  }

  /**
   * Appends one batch; resolves once it is on disk. With `source`, the request body is logged instead
   * of the spans, and `spans` must be what `decodeOtlpBatch(source)` accepted (replay decodes it again).
   * The body must not be modified until the append resolves.
   */
  append(spans: SpanRecord[], source?: OtlpBody): Promise<WalEntry> {
    if (this.closed) return Promise.reject(new Error('write-ahead log is closed'));
    const frame = source ? encodeOtlpFrame(source, spans.length) : encodeSpanFrame(spans);
    return new Promise<WalEntry>((resolve, reject) => {
      // A copy of the array: the caller may reuse its own once the append resolves.
      this.pending.push({ frame, spans: [...spans], spanCount: spans.length, resolve, reject });
      if (!this.flushQueued) {
        this.flushQueued = true;
        this.enqueue(() => this.flush());
      }
    });
  }

  /**
   * Reads an entry's spans back (the worker reads from disk so the backlog does not live in memory;
   * only the recent entries within the `recentSpans` budget are answered from memory). The spans
   * returned must not be modified: a recent entry's are the ones appended.
   */
  async read(entry: WalEntry): Promise<SpanRecord[]> {
    const recent = this.recent.get(entry.seq);
    if (recent) return recent;
    const segment = this.segments.get(entry.segment);
    if (!segment) throw new Error(`WAL segment ${entry.segment} is gone (entry ${entry.seq})`);
    const frame = Buffer.allocUnsafe(entry.byteLength);
    const { bytesRead } = await segment.handle.read(frame, 0, entry.byteLength, entry.offset);
    const parsed = parseHeader(frame);
    const where = `WAL entry ${entry.seq} in ${segment.path} at offset ${entry.offset}`;
    const payload = typeof parsed === 'string' ? undefined : frame.subarray(parsed.headerBytes);
    if (bytesRead !== entry.byteLength || typeof parsed === 'string' || !payload || !verifyFrame(frame, parsed, payload)) {
      throw new Error(`${where} is corrupt`);
    }
    try {
      return decodePayload(parsed, payload);
    } catch (err) {
      // Intact bytes that no longer decode: only possible if the decoder changed across an upgrade.
      throw new Error(`${where} could not be decoded: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }

  /** Every entry up to and including `seq` is processed: delete the segments that hold only such entries. */
  release(seq: number): Promise<void> {
    for (const [recentSeq, spans] of this.recent) {
      if (recentSeq > seq) break; // insertion order is seq order
      this.recent.delete(recentSeq);
      this.recentSpanCount -= spans.length;
    }
    return this.enqueue(async () => {
      let deleted = false;
      for (const segment of [...this.segments.values()]) {
        if (segment.lastSeq === 0 || segment.lastSeq > seq) continue;
        await this.deleteSegment(segment);
        deleted = true;
      }
      if (deleted) await this.syncDir();
    });
  }

  /** Bytes currently on disk in all segments. */
  get bytes(): number {
    let total = 0;
    for (const segment of this.segments.values()) total += segment.size;
    return total;
  }

  /** Finishes queued appends, then closes the files and releases the directory lock. Entries stay on disk. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.recent.clear();
    this.recentSpanCount = 0;
    await this.enqueue(async () => undefined);
    await this.closeHandles();
    await this.lock.release();
  }

  private async flush(): Promise<void> {
    this.flushQueued = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    let segment: Segment | undefined;
    let startSize = 0;
    try {
      segment = await this.writableSegment();
      startSize = segment.size;
      await writeAll(segment.handle, batch.flatMap((p) => p.frame.chunks));
      await segment.handle.datasync();
    } catch (err) {
      // Nothing in this batch was acknowledged. Cut the partial write off and move to a new segment,
      // so a later good frame never sits behind garbage that replay would stop at.
      if (segment) {
        this.activeBroken = true;
        await segment.handle.truncate(startSize).catch(() => undefined);
      }
      const error = err instanceof Error ? err : new Error(String(err));
      for (const p of batch) p.reject(error);
      return;
    }
    const entries: WalEntry[] = [];
    let offset = startSize;
    for (const p of batch) {
      entries.push({ seq: ++this.lastSeq, segment: segment.id, offset, byteLength: p.frame.byteLength, spanCount: p.spanCount });
      offset += p.frame.byteLength;
    }
    segment.size = offset;
    segment.lastSeq = this.lastSeq;
    const budget = this.options.recentSpans ?? 0;
    batch.forEach((p, i) => {
      const entry = entries[i] as WalEntry;
      if (this.recentSpanCount + p.spanCount > budget) return;
      this.recent.set(entry.seq, p.spans);
      this.recentSpanCount += p.spanCount;
    });
    this.options.onDurable(entries);
    batch.forEach((p, i) => p.resolve(entries[i] as WalEntry));
  }

  private async writableSegment(): Promise<Segment> {
    const current = this.active;
    if (current && !this.activeBroken && current.size < this.maxSegmentBytes) return current;
    if (current && current.lastSeq === 0) await this.deleteSegment(current);
    this.activeBroken = false;
    const id = ++this.lastSegmentId;
    const path = join(this.dir, segmentFileName(id));
    // 'wx+': a fresh file (never reuse a name), readable for the worker, appended to at the end.
    const handle = await open(path, 'wx+');
    const segment: Segment = { id, path, handle, size: 0, lastSeq: 0 };
    this.segments.set(id, segment);
    this.active = segment;
    await this.syncDir();
    return segment;
  }

  /** Indexes segments left by an earlier run, cutting off torn or corrupt tails. */
  private async scanExisting(): Promise<WalEntry[]> {
    const ids = (await readdir(this.dir))
      .map((name) => SEGMENT_FILE.exec(name)?.[1])
      .filter((id): id is string => id !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
    const replay: WalEntry[] = [];
    for (const id of ids) {
      this.lastSegmentId = Math.max(this.lastSegmentId, id);
      const path = join(this.dir, segmentFileName(id));
      const handle = await open(path, 'r+');
      const segment: Segment = { id, path, handle, size: 0, lastSeq: 0 };
      const { size } = await handle.stat();
      let offset = 0;
      let problem: string | undefined;
      const header = Buffer.allocUnsafe(MAX_FRAME_HEADER_BYTES);
      while (offset < size) {
        const { bytesRead } = await handle.read(header, 0, MAX_FRAME_HEADER_BYTES, offset);
        const parsed = parseHeader(header.subarray(0, bytesRead));
        if (typeof parsed === 'string') {
          problem = parsed;
          break;
        }
        const byteLength = parsed.headerBytes + parsed.payloadBytes;
        if (offset + byteLength > size) {
          problem = 'truncated frame';
          break;
        }
        const payload = Buffer.allocUnsafe(parsed.payloadBytes);
        await handle.read(payload, 0, parsed.payloadBytes, offset + parsed.headerBytes);
        if (!verifyFrame(header, parsed, payload)) {
          problem = 'checksum mismatch';
          break;
        }
        replay.push({ seq: ++this.lastSeq, segment: id, offset, byteLength, spanCount: parsed.spanCount });
        segment.lastSeq = this.lastSeq;
        offset += byteLength;
      }
      if (problem !== undefined) {
        // Acknowledged frames were fully synced, so a bad frame is an append that never completed
        // (or disk corruption); nothing after it can be framed reliably.
        this.options.log?.warn({ segment: path, offset, discardedBytes: size - offset, problem }, 'cutting off the damaged end of a WAL segment');
        await handle.truncate(offset);
        await handle.datasync();
      }
      segment.size = offset;
      this.segments.set(id, segment);
      if (segment.lastSeq === 0) await this.deleteSegment(segment);
    }
    return replay;
  }

  private async deleteSegment(segment: Segment): Promise<void> {
    this.segments.delete(segment.id);
    if (this.active === segment) this.active = undefined;
    await segment.handle.close().catch(() => undefined);
    await unlink(segment.path);
  }

  /** Makes creations and deletions of segment files themselves durable. */
  private async syncDir(): Promise<void> {
    const handle = await open(this.dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  private enqueue(op: () => Promise<void>): Promise<void> {
    const run = this.chain.then(op);
    // The chain itself must survive a failed operation; the caller still sees the failure.
    this.chain = run.catch((err: unknown) => {
      this.options.log?.error({ err }, 'write-ahead log operation failed');
    });
    return run;
  }

  private async closeHandles(): Promise<void> {
    for (const segment of this.segments.values()) await segment.handle.close().catch(() => undefined);
    this.segments.clear();
    this.active = undefined;
  }
}

/** Writes the buffers in order at the file position, as one system call when the kernel takes them all. */
async function writeAll(handle: FileHandle, chunks: Buffer[]): Promise<void> {
  let rest = chunks.filter((chunk) => chunk.length > 0);
  while (rest.length > 0) {
    const { bytesWritten } = await handle.writev(rest);
    if (bytesWritten <= 0) throw new Error('write-ahead log write made no progress');
    rest = afterWritten(rest, bytesWritten);
  }
}

/** What is left of `chunks` once their first `bytes` bytes are written. */
function afterWritten(chunks: Buffer[], bytes: number): Buffer[] {
  let skip = bytes;
  let index = 0;
  while (index < chunks.length && skip >= (chunks[index] as Buffer).length) skip -= (chunks[index++] as Buffer).length;
  const rest = chunks.slice(index);
  if (rest.length > 0 && skip > 0) rest[0] = (rest[0] as Buffer).subarray(skip);
  return rest;
}

function segmentFileName(id: number): string {
  return `${String(id).padStart(16, '0')}.wal`;
}
