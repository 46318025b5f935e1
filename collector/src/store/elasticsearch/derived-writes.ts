/**
 * Writes of derived records (events, deliveries, edges) for the Elasticsearch store: their daily
 * index follows a time that re-derivation can change, so stale copies in other indices are looked
 * up and deleted in the same bulk call (see writeDerived).
 */
import type { Client } from '@elastic/elasticsearch';
import { writeBulk, type BulkOperation, type BulkOptions } from './bulk.js';
import type { IndexNames, RecordKind } from './index-names.js';
import { docId } from './index-names.js';

/** Ids per stale-copy look-up: two hits each stay within the 10,000-hit search window. */
const STALE_LOOKUP_IDS = 5000;

/**
 * Writes events, deliveries and edges. Their index follows a time that re-derivation can change
 * (an event's canonical publish, hence its publish time, can change when another publish of the
 * same message id arrives), so a rewrite may target another daily index than the first write:
 * copies of the same ids in other indices are found first and deleted in the same bulk, or the
 * record would be counted twice. The look-up is a search, so a copy written less than a refresh
 * interval earlier can escape it; reads collapse such copies to one record.
 *
 * One multi-search looks up every kind; then one bulk call for all of them, events first. Its
 * requests run concurrently, so for up to a refresh interval an edge or a delivery can be
 * searchable before its event (readers wait for complete nodes, as for any near-real-time read).
 */
export async function writeDerived(client: Client, bulkOptions: BulkOptions, groups: DerivedGroup[]): Promise<void> {
  const lookups: StaleLookup[] = [];
  const deletes = new Map<DerivedGroup, BulkOperation[]>();
  for (const group of groups) {
    if (group.latest.size === 0 || !group.canMove) continue;
    const groupDeletes: BulkOperation[] = [];
    deletes.set(group, groupDeletes);
    for (const ids of chunk([...group.latest.keys()], STALE_LOOKUP_IDS)) {
      lookups.push({ kind: group.kind, pattern: group.pattern, ids, latest: group.latest, deletes: groupDeletes });
    }
  }
  if (lookups.length > 0) await addStaleCopyDeletes(client, lookups);
  function* operations(): Generator<BulkOperation> {
    for (const group of groups) {
      yield* group.documents();
      yield* deletes.get(group) ?? [];
    }
  }
  // One call for every kind, so its concurrent requests keep Elasticsearch busy; no document
  // appears twice in it (one operation per id and kind; a stale-copy delete names another index).
  await writeBulk(client, operations(), bulkOptions);
}

/** One kind's records of a batch, placed in their daily indices; documents are built only as writeBulk asks for them. */
export function derivedGroup<R extends { id: string }>(
  names: IndexNames,
  kind: RecordKind,
  records: R[],
  placedAt: (record: R) => number,
  toDoc: (record: R) => object,
  canMove: boolean,
): DerivedGroup {
  // The last version of a record in the batch wins, as it would in SQLite.
  const latest = new Map<string, { index: string; record: R }>();
  for (const record of records) latest.set(docId(record.id), { index: names.daily(kind, placedAt(record)), record });
  return {
    kind,
    pattern: names.pattern(kind),
    latest,
    canMove,
    *documents() {
      for (const [id, { index, record }] of latest) yield { index, id, document: toDoc(record) };
    },
  };
}

/** Adds to each look-up's `deletes` the deletion of every copy of its records outside their new index. */
async function addStaleCopyDeletes(client: Client, lookups: StaleLookup[]): Promise<void> {
  const response = await client.msearch({
    searches: lookups.flatMap(({ pattern, ids }) => [
      { index: pattern, ignore_unavailable: true, allow_no_indices: true },
      // Each id lives in one index, or briefly two: room for every copy.
      { query: { ids: { values: ids } }, _source: false, size: ids.length * 2, track_total_hits: false },
    ]),
  });
  response.responses.forEach((result, position) => {
    const lookup = lookups[position];
    if (!lookup) return;
    // A failed look-up must fail the write: a stale copy left behind would count the record twice.
    if ('error' in result) throw new Error(`stale-copy look-up in ${lookup.kind} failed: ${result.error.type}: ${result.error.reason ?? ''}`);
    for (const hit of result.hits.hits) {
      const target = hit._id === undefined ? undefined : lookup.latest.get(hit._id);
      if (target && hit._id !== undefined && hit._index !== target.index) lookup.deletes.push({ index: hit._index, id: hit._id });
    }
  });
}

interface StaleLookup {
  kind: RecordKind;
  /** Every daily index of the kind. */
  pattern: string;
  ids: string[];
  latest: Map<string, { index: string }>;
  /** Where the kind's deletes of stale copies go. */
  deletes: BulkOperation[];
}

/** One kind's derived records of a batch. */
export interface DerivedGroup {
  kind: RecordKind;
  /** Every daily index of the kind. */
  pattern: string;
  /** Each record's daily index, by `_id` (= `docRef`). */
  latest: Map<string, { index: string }>;
  /** Its index can change when the record is derived again (see writeDerived). */
  canMove: boolean;
  /** The index operations, each document built when asked for. */
  documents(): Iterable<BulkOperation>;
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
