/**
 * Bulk writes with per-item error handling. Elasticsearch answers a bulk request with 200 even
 * when some items failed, so every item's status is checked: items rejected for a transient reason
 * (429 back-pressure, 5xx) are sent once more; anything still failing raises a BulkWriteError that
 * names the items, so the caller (the ingest pipeline) retries the batch instead of acknowledging
 * a loss. Writes are full overwrites (`index`), so a retried batch changes nothing it already wrote.
 *
 * The client's `helpers.bulk` is not used: it retries only 429s and reports other failures through
 * a callback after the fact, while this store must fail the call.
 */
import type { Client } from '@elastic/elasticsearch';
import { bodyBuffers } from './body-buffers.js';

/** One document to write whole, or (without `document`) to delete. */
export interface BulkOperation {
  index: string;
  id: string;
  document?: object;
}

export interface BulkItemFailure {
  index: string;
  id: string;
  status: number;
  /** Elasticsearch error type, e.g. `document_parsing_exception`. */
  type: string;
  reason: string;
}

export class BulkWriteError extends Error {
  constructor(readonly failures: BulkItemFailure[]) {
    const shown = failures
      .slice(0, 5)
      .map((f) => `${f.index}/${f.id}: ${f.status} ${f.type}: ${f.reason}`)
      .join('; ');
    const more = failures.length > 5 ? ` (and ${failures.length - 5} more)` : '';
    super(`Elasticsearch rejected ${failures.length} document(s): ${shown}${more}`);
    this.name = 'BulkWriteError';
  }
}

export interface BulkOptions {
  /** Largest request body, in characters of its lines; a single larger document goes alone. Default 5 Mi. */
  maxBytes?: number;
  /** Most operations per request. Default 1,000. */
  maxOperations?: number;
  /** Pause before sending transiently rejected items again. Default 500 ms. */
  retryDelayMs?: number;
  /**
   * Requests of one call in flight at once. Default 4 (two per core of a small node). The caller must not put two operations on
   * the same document in one call: their requests may complete in any order.
   */
  concurrency?: number;
}

/** An operation with its request lines serialized once. */
interface Prepared {
  op: BulkOperation;
  lines: string[];
  /** Characters of the lines, newlines included. */
  chars: number;
}

/**
 * One request: its operations and its body, encoded once. The body goes to the client as a
 * Buffer, which it sends as it is; given strings, it joined them into one string, walked it once
 * to count its bytes and once more (in undici) to encode it.
 */
interface BulkRequest {
  ops: BulkOperation[];
  body: Buffer;
  /** Where each operation's lines end in `body`: a retry re-sends some operations' bytes. */
  ends: number[];
  /** The pooled buffer `body` lies in, given back once the request succeeded. */
  backing?: Buffer<ArrayBuffer>;
}

/** `operations` may be any iterable: a lazy one lets documents exist one request's worth at a time. */
export async function writeBulk(client: Client, operations: Iterable<BulkOperation>, options: BulkOptions = {}): Promise<void> {
  const maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
  const maxOperations = options.maxOperations ?? 1000;
  const failures: BulkItemFailure[] = [];
  const requests = bulkRequests(operations, maxBytes, maxOperations);
  // A few requests in flight keep Elasticsearch's write threads busy while this process
  // serializes the next one; each worker takes the next request when its own is answered.
  const sendRequests = async (): Promise<void> => {
    for (let next = requests.next(); !next.done; next = requests.next()) {
      const retry = await send(client, next.value, failures, true);
      if (retry) {
        await new Promise((resolve) => setTimeout(resolve, options.retryDelayMs ?? 500));
        await send(client, retry, failures, false);
      }
    }
  };
  const workers = Math.max(1, options.concurrency ?? 4);
  const settled = await Promise.allSettled(Array.from({ length: workers }, sendRequests));
  const rejected = settled.find((result) => result.status === 'rejected');
  if (rejected) throw rejected.reason;
  if (failures.length > 0) throw new BulkWriteError(failures);
}

function prepare(op: BulkOperation): Prepared {
  const action = JSON.stringify(op.document ? { index: { _index: op.index, _id: op.id } } : { delete: { _index: op.index, _id: op.id } });
  const lines = op.document ? [action, JSON.stringify(op.document)] : [action];
  // Characters, not UTF-8 bytes: only the request-size budget uses it, and counting bytes of every
  // line cost 5 % of the Elasticsearch ingest's CPU. Non-ASCII text makes a request up to 3× the
  // budget, well within Elasticsearch's 100 MB request limit.
  return { op, lines, chars: lines.reduce((sum, line) => sum + line.length + 1, 0) };
}

/** Serializes operations lazily, one request's worth at a time, so the whole body never exists at once. */
function* bulkRequests(operations: Iterable<BulkOperation>, maxBytes: number, maxOperations: number): Generator<BulkRequest> {
  let chunk: Prepared[] = [];
  let chars = 0;
  for (const op of operations) {
    const item = prepare(op);
    if (chunk.length > 0 && (chars + item.chars > maxBytes || chunk.length >= maxOperations)) {
      yield encode(chunk, chars);
      chunk = [];
      chars = 0;
    }
    chunk.push(item);
    chars += item.chars;
  }
  if (chunk.length > 0) yield encode(chunk, chars);
}

/** The NDJSON body of `items`, UTF-8 encoded straight into one pooled buffer. */
function encode(items: Prepared[], chars: number): BulkRequest {
  // As many bytes as characters when all are ASCII (the usual case); grown below when not.
  let backing = bodyBuffers.take(chars);
  let at = 0;
  const ends: number[] = new Array<number>(items.length);
  for (let i = 0; i < items.length; i++) {
    for (const line of (items[i] as Prepared).lines) {
      let written = backing.write(line, at);
      // `write` stops before a character that does not fit, so only a write that left less room
      // than the longest character (4 bytes) may have stopped short; then count exactly.
      if (backing.length - (at + written) < 5) {
        const bytes = Buffer.byteLength(line);
        if (written < bytes || backing.length - (at + bytes) < 1) {
          const larger = bodyBuffers.take(Math.max(backing.length * 2, at + bytes + 1 + Math.max(0, chars - at)));
          backing.copy(larger, 0, 0, at);
          bodyBuffers.give(backing);
          backing = larger;
          written = backing.write(line, at);
        }
      }
      at += written;
      backing[at++] = 0x0a;
    }
    ends[i] = at;
  }
  return { ops: items.map((item) => item.op), body: backing.subarray(0, at), ends, backing };
}

/** The request re-sending only the operations at `positions` (ascending) of `request`. */
function subset(request: BulkRequest, positions: number[]): BulkRequest {
  const parts: Buffer[] = [];
  const ends: number[] = [];
  let at = 0;
  for (const position of positions) {
    const start = position === 0 ? 0 : (request.ends[position - 1] as number);
    const part = request.body.subarray(start, request.ends[position]);
    parts.push(part);
    at += part.length;
    ends.push(at);
  }
  return { ops: positions.map((position) => request.ops[position] as BulkOperation), body: Buffer.concat(parts, at), ends };
}

/** Sends one request; returns the request of the items worth one more try, records the rest of the failures. */
async function send(client: Client, request: BulkRequest, failures: BulkItemFailure[], mayRetry: boolean): Promise<BulkRequest | undefined> {
  // Only what the checks below read comes back: every item keeps its status (so positions still
  // match the request), failed ones their error. The full answer (index, id, version, shards, seq
  // no per item) is several times larger, and parsing it was a visible share of the ingest's CPU.
  const response = await client.bulk({
    // A Buffer body is sent as it is (see BulkRequest).
    operations: request.body as unknown as object[],
    filter_path: ['errors', 'items.*.status', 'items.*.error'],
  });
  // Answered, so Elasticsearch has read the whole body: its buffer can take the next one (after
  // the retry below copied what it needs).
  const release = (): void => {
    if (request.backing) bodyBuffers.give(request.backing);
  };
  if (!response.errors) {
    release();
    return undefined;
  }
  const retry: number[] = [];
  response.items.forEach((entry, position) => {
    const op = request.ops[position];
    const result = entry.index ?? entry.delete ?? Object.values(entry)[0];
    if (!op || !result?.error) return;
    if (mayRetry && (result.status === 429 || result.status >= 500)) {
      retry.push(position);
      return;
    }
    failures.push({
      index: op.index,
      id: op.id,
      status: result.status,
      type: result.error.type,
      reason: result.error.reason ?? '',
    });
  });
  const again = retry.length > 0 ? subset(request, retry) : undefined;
  release();
  return again;
}
