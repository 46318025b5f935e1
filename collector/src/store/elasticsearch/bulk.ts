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
  bytes: number;
}

/** `operations` may be any iterable: a lazy one lets documents exist one request's worth at a time. */
export async function writeBulk(client: Client, operations: Iterable<BulkOperation>, options: BulkOptions = {}): Promise<void> {
  const maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
  const maxOperations = options.maxOperations ?? 1000;
  const failures: BulkItemFailure[] = [];
  const chunks = chunked(operations, maxBytes, maxOperations);
  // A few requests in flight keep Elasticsearch's write threads busy while this process
  // serializes the next chunk; each worker takes the next chunk when its request is answered.
  const sendChunks = async (): Promise<void> => {
    for (let next = chunks.next(); !next.done; next = chunks.next()) {
      const retry = await send(client, next.value, failures, true);
      if (retry.length > 0) {
        await new Promise((resolve) => setTimeout(resolve, options.retryDelayMs ?? 500));
        await send(client, retry, failures, false);
      }
    }
  };
  const workers = Math.max(1, options.concurrency ?? 4);
  const settled = await Promise.allSettled(Array.from({ length: workers }, sendChunks));
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
  return { op, lines, bytes: lines.reduce((sum, line) => sum + line.length + 1, 0) };
}

/** Serializes operations lazily, one request's worth at a time, so the whole body never exists at once. */
function* chunked(operations: Iterable<BulkOperation>, maxBytes: number, maxOperations: number): Generator<Prepared[]> {
  let chunk: Prepared[] = [];
  let bytes = 0;
  for (const op of operations) {
    const item = prepare(op);
    if (chunk.length > 0 && (bytes + item.bytes > maxBytes || chunk.length >= maxOperations)) {
      yield chunk;
      chunk = [];
      bytes = 0;
    }
    chunk.push(item);
    bytes += item.bytes;
  }
  if (chunk.length > 0) yield chunk;
}

/** Sends one request; returns the items worth one more try, records the rest of the failures. */
async function send(client: Client, chunk: Prepared[], failures: BulkItemFailure[], mayRetry: boolean): Promise<Prepared[]> {
  // Lines are pre-serialized strings: the client joins them as they are.
  // Only what the checks below read comes back: every item keeps its status (so positions still
  // match the request), failed ones their error. The full answer (index, id, version, shards, seq
  // no per item) is several times larger, and parsing it was a visible share of the ingest's CPU.
  const response = await client.bulk({
    operations: chunk.flatMap((item) => item.lines) as unknown as object[],
    filter_path: ['errors', 'items.*.status', 'items.*.error'],
  });
  if (!response.errors) return [];
  const retry: Prepared[] = [];
  response.items.forEach((entry, position) => {
    const item = chunk[position];
    const result = entry.index ?? entry.delete ?? Object.values(entry)[0];
    if (!item || !result?.error) return;
    if (mayRetry && (result.status === 429 || result.status >= 500)) {
      retry.push(item);
      return;
    }
    failures.push({
      index: item.op.index,
      id: item.op.id,
      status: result.status,
      type: result.error.type,
      reason: result.error.reason ?? '',
    });
  });
  return retry;
}
