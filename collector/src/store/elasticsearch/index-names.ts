/**
 * Index naming. Every record lives in a daily index chosen by one of its own times (UTC day), so
 * writing a record again always targets the same index and overwrites the same document.
 */
import { createHash } from 'node:crypto';

export type RecordKind = 'spans' | 'events' | 'deliveries' | 'edges';
export const RECORD_KINDS: readonly RecordKind[] = ['spans', 'events', 'deliveries', 'edges'];

export const DEFAULT_INDEX_PREFIX = 'causeway';

/** Lower-case letters, digits, `.`, `_`, `-`; no leading `-`, `_`, `+` or dot (Elasticsearch index-name rules). */
const PREFIX_PATTERN = /^[a-z0-9][a-z0-9._-]{0,199}$/;

export function validateIndexPrefix(prefix: string): string {
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new Error(
      `Elasticsearch index prefix "${prefix}" is invalid: use lower-case letters, digits, ".", "_" or "-", starting with a letter or digit`,
    );
  }
  return prefix;
}

/** Latest day a name is made for: keeps the year at four digits for absurd clock values. */
const LAST_NAMED_DAY_MS = Date.UTC(9999, 11, 31);

export class IndexNames {
  constructor(readonly prefix: string) {}

  /** `<prefix>-<kind>-YYYY.MM.DD` of the UTC day of `epochMs`. */
  daily(kind: RecordKind, epochMs: number): string {
    if (!Number.isFinite(epochMs)) throw new Error(`cannot place a ${kind} record with time ${epochMs} in a daily index`);
    const day = new Date(Math.min(Math.max(epochMs, 0), LAST_NAMED_DAY_MS));
    const yyyy = String(day.getUTCFullYear()).padStart(4, '0');
    const mm = String(day.getUTCMonth() + 1).padStart(2, '0');
    const dd = String(day.getUTCDate()).padStart(2, '0');
    return `${this.prefix}-${kind}-${yyyy}.${mm}.${dd}`;
  }

  /** Every daily index of a kind: what reads search. */
  pattern(kind: RecordKind): string {
    return `${this.prefix}-${kind}-*`;
  }

  template(kind: RecordKind): string {
    return `${this.prefix}-${kind}`;
  }
}

/** Elasticsearch rejects `_id`s longer than 512 bytes. */
const MAX_ID_BYTES = 512;
const HASHED_ID_MARK = '~sha256~';

/**
 * The `_id` (and the indexed reference) of a record id. Ids come from the wire (message ids can be
 * any string up to 64 KiB), so one that is too long for an `_id` is replaced by its SHA-256. An id
 * that already starts with the mark is hashed too, so a raw id can never equal a hashed one.
 */
export function docId(id: string): string {
  if (Buffer.byteLength(id, 'utf8') <= MAX_ID_BYTES && !id.startsWith(HASHED_ID_MARK)) return id;
  return HASHED_ID_MARK + createHash('sha256').update(id, 'utf8').digest('base64url');
}
