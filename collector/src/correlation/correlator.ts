/**
 * The correlator: stores each batch of spans, then re-derives every event, delivery and causal
 * edge the batch can have changed, from what is stored. Records have deterministic ids and are
 * written whole, so a batch seen twice, or spans of one chain arriving in any order, end in the
 * same records.
 *
 * What a batch can change:
 * - records of its own traces (a new settle span changes its delivery's outcome, a new parent
 *   completes an ancestor chain);
 * - records of spans that link to the new producer spans (a consumer linking to a producer that
 *   just arrived) or carry the same `messaging.message.id` (a consumer whose producer just
 *   arrived gets its queue time; a second publish of a message id may become the canonical one).
 * Those traces are loaded whole (records are derived only from whole traces); link targets and the
 * publishes of the message ids involved are loaded as read-only context.
 *
 * Round trips: what was stored before the batch (its traces, the keys of related spans) is read
 * while the batch itself is written, and merged with it in memory; only traces outside the batch
 * are read after the write, and every look-up takes the batch's spans (and those of earlier
 * batches not yet refreshed) from memory, so the store need not make a batch visible to reads
 * until its write stage (one refresh per batch on Elasticsearch, beside the derived writes).
 * Derived records of all passes go out in as few writes as `recordsPerWrite` allows. The reads
 * only ever add to what memory holds, so whether they happen to see part of it or not, the merged
 * traces are the same.
 *
 * Bounded work per call: traces are processed in chunks of `tracesPerPass`, and look-ups by id in
 * chunks of `idsPerQuery`. The stored spans of the batch's own traces are held together, with the
 * batch (itself bounded by the ingest pipeline's `maxBatchSpans`). A single enormous trace is still
 * loaded whole, and again for every batch that touches it, because the store contract has no
 * partial trace read (`getTraceSpans` has no limit).
 */
import type { SpanRecord } from '../model/span.js';
import type { DerivedRecords, SpanKey, Store } from '../store/store.js';
import { deriveRecords } from './derive.js';
import { isEventProducer } from './events.js';
import { mergeDeadLetters } from '../deadletters/derive.js';
import type { DeadLetterRecord } from '../deadletters/types.js';
import { messageId, messagingRole } from './span-roles.js';
import { SpanKeyMap } from './span-key-map.js';
import { BatchSpans, mergeByKey, UnrefreshedBatches } from './spans-in-memory.js';

export interface CorrelatorOptions {
  /** Traces loaded and re-derived together. Default 1000. */
  tracesPerPass?: number;
  /** Ids per store look-up. Default 5000. */
  idsPerQuery?: number;
  /** Derived records held before they are written (passes are merged up to this). Default 20,000. */
  recordsPerWrite?: number;
}

export class Correlator {
  private readonly tracesPerPass: number;
  private readonly idsPerQuery: number;
  private readonly recordsPerWrite: number;
  /** Tail of the serial "read, write spans, derive" stage. Never rejects. */
  private deriving: Promise<void> = Promise.resolve();
  /** Tail of the serial "write derived records, make spans visible" stage. Never rejects. */
  private writing: Promise<void> = Promise.resolve();
  private readonly unrefreshed = new UnrefreshedBatches();

  constructor(
    private readonly store: Store,
    options: CorrelatorOptions = {},
  ) {
    this.tracesPerPass = Math.max(1, options.tracesPerPass ?? 1000);
    this.idsPerQuery = Math.max(1, options.idsPerQuery ?? 5000);
    this.recordsPerWrite = Math.max(1, options.recordsPerWrite ?? 20_000);
  }

  /**
   * Store `spans` and re-derive what they touch; resolves once all of it is durable. Calls may
   * overlap (the ingest pipeline keeps two or three batches in flight): each goes through two
   * stages, each stage serial across calls and in call order — reading, writing the spans and
   * deriving; then writing the derived records and making the spans visible. The next batch is
   * derived while this one's records are written; its reads are completed from the spans held in
   * memory until the refresh covering them has landed (`UnrefreshedBatches`), and derived records
   * are written in call order, so the same records come out as with one call at a time.
   */
  async ingest(spans: SpanRecord[]): Promise<void> {
    if (spans.length === 0) return;
    const derived = this.deriving.then(() => this.derive(spans));
    this.deriving = derived.then(noop, noop);
    const { writer, seq } = await derived;
    // Runs even when the previous batch's write failed: that batch is ingested again on its own.
    const written = this.writing.then(() => this.write(writer, seq));
    this.writing = written.then(noop, noop);
    await written;
  }

  private async derive(spans: SpanRecord[]): Promise<{ writer: DerivedRecordWriter; seq: number | undefined }> {
    // The last copy of a span sent twice in one batch wins, as it does in the store.
    const inBatch = new BatchSpans(spans);
    const batchTraces = unique(spans.map((span) => span.traceId));
    // A consumer's link counts only when it points at an event producer (`consumedEvents`), so
    // only those of the batch's spans can change what a stored span linking to them derives.
    const linkTargetIds = unique(spans.filter(isEventProducer).map((span) => span.spanId));
    const messageIds = unique(spans.map(messageId));
    // Reads first in the list: a synchronous store (SQLite) then answers them before the write,
    // so they return only what was stored before the batch (less to load). The batch's spans need
    // not become visible to the store's reads before the write stage: every look-up below takes
    // them, and unrefreshed earlier batches, from memory.
    // Taken before any store read: a batch dropped from memory after this point was refreshed by
    // then, but a read already running may have started before that refresh.
    const memory = [inBatch, ...this.unrefreshed.newestFirst()];
    const [stored, storedRelated] = await allOrFirstError([
      this.getTraceSpans(batchTraces),
      this.findRelatedKeys(linkTargetIds, messageIds, batchTraces),
      this.store.putSpans(spans, { deferVisibility: true }),
    ] as const);
    const seq = this.store.deferredSpanVisibility ? this.unrefreshed.add(inBatch) : undefined;
    try {
      const batchTraceSet = new Set(batchTraces);
      const byTrace = new Map<string, SpanRecord[]>();
      const inMemory = memory.flatMap((batch) => batchTraces.flatMap((traceId) => batch.traceSpans(traceId)));
      for (const span of mergeByKey(inMemory, stored)) group(byTrace, span);
      const writer = new DerivedRecordWriter(this.store, this.recordsPerWrite, () => this.writing);
      for (const chunk of chunks(batchTraces, this.tracesPerPass)) {
        const owned = chunk.flatMap((traceId) => byTrace.get(traceId) ?? []).sort(byStartTime);
        await writer.add(deriveRecords({ owned, context: await this.loadContext(owned, memory) }));
      }
      byTrace.clear();

      // Traces outside the batch with spans linking to it or sharing its message ids: loaded whole.
      const related = new Set(storedRelated.map((key) => key.traceId));
      for (const batch of memory.slice(1)) {
        for (const span of batch.related(linkTargetIds, messageIds)) if (!batchTraceSet.has(span.traceId)) related.add(span.traceId);
      }
      for (const chunk of chunks([...related], this.tracesPerPass)) {
        const inMemory = memory.slice(1).flatMap((batch) => chunk.flatMap((traceId) => batch.traceSpans(traceId)));
        const owned = mergeByKey(inMemory, await this.store.getTraceSpans(chunk)).sort(byStartTime);
        await writer.add(deriveRecords({ owned, context: await this.loadContext(owned, memory) }));
      }
      return { writer, seq };
    } catch (err) {
      if (seq !== undefined) this.unrefreshed.remove(seq);
      throw err;
    }
  }

  /** The derived records, and the refresh (on a search-based store) that lets the next batches' reads see this one's spans. */
  private async write(writer: DerivedRecordWriter, seq: number | undefined): Promise<void> {
    // Every batch registered so far has its spans written: the refresh starting now covers them.
    const covered = this.unrefreshed.newest;
    try {
      await allOrFirstError([writer.flush(), this.store.makeSpansVisible()] as const);
    } catch (err) {
      // The pipeline ingests this batch again (and holds it in memory again); older ones stay held
      // until a refresh succeeds.
      if (seq !== undefined) this.unrefreshed.remove(seq);
      throw err;
    }
    this.unrefreshed.refreshed(covered);
  }

  /**
   * Read-only spans the derivation needs beyond the owned traces: what consumer spans link to, and
   * every publish of the message ids in play (to pick each event's canonical publish). Spans held
   * in memory (`memory`: the batch, then unrefreshed batches, newest first) are taken from there,
   * the rest from the store.
   */
  private async loadContext(owned: SpanRecord[], memory: BatchSpans[]): Promise<SpanRecord[]> {
    const ownedKeys = new SpanKeyMap<true>();
    for (const span of owned) ownedKeys.set(span.traceId, span.spanId, true);
    const context: SpanRecord[] = [];
    const loaded = new SpanKeyMap<true>();
    const fromStore: SpanKey[] = [];
    for (const span of owned) {
      if (messagingRole(span) !== 'consumer') continue;
      for (const { traceId, spanId } of span.links) {
        if (ownedKeys.has(traceId, spanId) || !loaded.add(traceId, spanId, true)) continue;
        const held = findInMemory(memory, traceId, spanId);
        if (held) context.push(held);
        else fromStore.push({ traceId, spanId });
      }
    }
    context.push(...(await this.getSpans(fromStore)));

    // Spans of the owned traces are left out by the look-up: only keys of the others come back.
    const messageIds = unique([...owned, ...context].map(messageId));
    const ownedTraces = unique(owned.map((span) => span.traceId));
    const ownedTraceSet = new Set(ownedTraces);
    for (const batch of memory) {
      for (const id of messageIds) {
        for (const producer of batch.producersOf(id)) {
          if (ownedTraceSet.has(producer.traceId) || !loaded.add(producer.traceId, producer.spanId, true)) continue;
          context.push(producer);
        }
      }
    }
    const others = new SpanKeyMap<SpanKey>();
    for (const related of await this.findRelatedKeys([], messageIds, ownedTraces)) {
      // A span held in memory is taken from there even when the store has an older copy of it.
      if (!loaded.has(related.traceId, related.spanId) && !findInMemory(memory, related.traceId, related.spanId)) {
        others.set(related.traceId, related.spanId, related);
      }
    }
    for (const span of await this.getSpans([...others.values()])) {
      if (messagingRole(span) === 'producer') context.push(span);
    }
    return context;
  }

  private async getSpans(keys: SpanKey[]): Promise<SpanRecord[]> {
    const found: SpanRecord[] = [];
    for (const slice of chunks(keys, this.idsPerQuery)) found.push(...(await this.store.getSpans(slice)));
    return found;
  }

  private async getTraceSpans(traceIds: string[]): Promise<SpanRecord[]> {
    const found: SpanRecord[] = [];
    for (const slice of chunks(traceIds, this.idsPerQuery)) found.push(...(await this.store.getTraceSpans(slice)));
    return found;
  }

  /** Keys of spans outside `exceptTraceIds` related to the ids; both kinds of ids share each look-up. */
  private async findRelatedKeys(spanIds: string[], messageIds: string[], exceptTraceIds: string[]): Promise<SpanKey[]> {
    const found: SpanKey[] = [];
    const rounds = Math.max(Math.ceil(spanIds.length / this.idsPerQuery), Math.ceil(messageIds.length / this.idsPerQuery));
    for (let round = 0; round < rounds; round++) {
      const range = [round * this.idsPerQuery, (round + 1) * this.idsPerQuery] as const;
      const query = { linkedSpanIds: spanIds.slice(...range), messageIds: messageIds.slice(...range), exceptTraceIds };
      found.push(...(await this.store.findRelatedSpanKeys(query)));
    }
    return found;
  }
}

/**
 * Collects derived records and writes them in one `putDerived` call per `limit` records.
 *
 * Dead letters are merged by id, with each other and with the stored record: the failing
 * consumer's span and the dead-letter copy's span each know part of a dead letter and may sit in
 * different traces, derived in different passes or ingests. The merge is independent of order
 * (see `mergeDeadLetters`), so whichever arrives first, the stored record ends the same.
 */
class DerivedRecordWriter {
  private pending: DerivedRecords = { events: [], deliveries: [], edges: [] };
  private deadLetters = new Map<string, DeadLetterRecord>();
  private count = 0;

  /** @param earlierWrites resolves when the previous batches' derived records are written. */
  constructor(
    private readonly store: Store,
    private readonly limit: number,
    private readonly earlierWrites: () => Promise<void>,
  ) {}

  async add(records: DerivedRecords): Promise<void> {
    this.pending.events.push(...records.events);
    this.pending.deliveries.push(...records.deliveries);
    this.pending.edges.push(...records.edges);
    for (const record of records.deadLetters ?? []) {
      const held = this.deadLetters.get(record.id);
      if (!held) this.count++;
      this.deadLetters.set(record.id, held ? mergeDeadLetters(held, record) : record);
    }
    this.count += records.events.length + records.deliveries.length + records.edges.length;
    if (this.count >= this.limit) {
      // Written while deriving (a batch touching many traces): after the previous batch's records,
      // which may hold older versions of the same ids.
      await this.earlierWrites();
      await this.flush();
    }
  }

  async flush(): Promise<void> {
    if (this.count === 0) return;
    const records = this.pending;
    const deadLetters = this.deadLetters;
    this.pending = { events: [], deliveries: [], edges: [] };
    this.deadLetters = new Map();
    this.count = 0;
    if (deadLetters.size > 0) {
      for (const stored of await this.store.getDeadLetters([...deadLetters.keys()])) {
        const derived = deadLetters.get(stored.id);
        if (derived) deadLetters.set(stored.id, mergeDeadLetters(stored, derived));
      }
      records.deadLetters = [...deadLetters.values()];
    }
    await this.store.putDerived(records);
  }
}

/**
 * Like `Promise.all`, but settles only when every promise has: a failed read must not let the
 * pipeline's retry start while this attempt's write is still running (the correlator is serial).
 */
async function allOrFirstError<T extends readonly unknown[]>(promises: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(promises);
  const failed = settled.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

function findInMemory(memory: BatchSpans[], traceId: string, spanId: string): SpanRecord | undefined {
  for (const batch of memory) {
    const span = batch.get(traceId, spanId);
    if (span) return span;
  }
  return undefined;
}

function noop(): void {}

function group(byTrace: Map<string, SpanRecord[]>, span: SpanRecord): void {
  const spans = byTrace.get(span.traceId);
  if (spans) spans.push(span);
  else byTrace.set(span.traceId, [span]);
}

/** The order `Store.getTraceSpans` returns: start time, then trace id, then span id. */
function byStartTime(a: SpanRecord, b: SpanRecord): number {
  return a.startTime - b.startTime || compare(a.traceId, b.traceId) || compare(a.spanId, b.spanId);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function unique(values: Array<string | undefined>): string[] {
  const set = new Set<string>();
  for (const value of values) if (value !== undefined) set.add(value);
  return [...set];
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
