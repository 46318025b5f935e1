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

const DAY_MS = 86_400_000;

/** Latest day a name is made for: keeps the year at four digits for absurd clock values. */
const LAST_NAMED_DAY_MS = Date.UTC(9999, 11, 31);

export class IndexNames {
  constructor(readonly prefix: string) {}

  /** The last day named, by kind: records of a batch mostly fall on one day, and this runs once per record. */
  private readonly lastDaily = new Map<RecordKind, { day: number; name: string }>();

  /** `<prefix>-<kind>-YYYY.MM.DD` of the UTC day of `epochMs`. */
  daily(kind: RecordKind, epochMs: number): string {
    if (!Number.isFinite(epochMs)) throw new Error(`cannot place a ${kind} record with time ${epochMs} in a daily index`);
    const day = Math.floor(epochMs / DAY_MS);
    const last = this.lastDaily.get(kind);
    if (last?.day === day) return last.name;
    const name = `${this.prefix}-${kind}-${utcDay(epochMs)}`;
    this.lastDaily.set(kind, { day, name });
    return name;
  }

  /** Every daily index of a kind: what reads search. */
  pattern(kind: RecordKind): string {
    return `${this.prefix}-${kind}-*`;
  }

  template(kind: RecordKind): string {
    return `${this.prefix}-${kind}`;
  }

  /**
   * Lag samples: a daily index per resolution, `<prefix>-lag-raw-YYYY.MM.DD` for raw samples and
   * `<prefix>-lag-<resolutionMs>ms-YYYY.MM.DD` for downsampled ones, so that retention (per
   * resolution) drops whole indices and a read of one resolution searches only its own.
   */
  lagDaily(resolutionMs: number, epochMs: number): string {
    if (!Number.isFinite(epochMs)) throw new Error(`cannot place a lag sample with time ${epochMs} in a daily index`);
    return `${this.lagPrefix(resolutionMs)}${utcDay(epochMs)}`;
  }

  /** Every daily index of one resolution (`<prefix>-lag-raw-*`), or of all (`<prefix>-lag-*`). */
  lagPattern(resolutionMs?: number): string {
    return resolutionMs === undefined ? `${this.prefix}-lag-*` : `${this.lagPrefix(resolutionMs)}*`;
  }

  /** Start (epoch ms) of the UTC day a lag index of this resolution holds, or undefined for another index. */
  lagIndexDay(resolutionMs: number, index: string): number | undefined {
    const prefix = this.lagPrefix(resolutionMs);
    if (!index.startsWith(prefix)) return undefined;
    const match = /^(\d{4})\.(\d{2})\.(\d{2})$/.exec(index.slice(prefix.length));
    if (!match) return undefined;
    return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  }

  lagTemplate(): string {
    return `${this.prefix}-lag`;
  }

  /** One small index each: API-defined alert rules, and alert history. */
  alertRules(): string {
    return `${this.prefix}-alert-rules`;
  }

  alertEvents(): string {
    return `${this.prefix}-alert-events`;
  }

  /** One index each: dead-letter records (a record's id fixes its document, whatever its times), and the redrive audit log. */
  deadLetters(): string {
    return `${this.prefix}-dead-letters`;
  }

  redriveAudit(): string {
    return `${this.prefix}-redrive-audit`;
  }

  private lagPrefix(resolutionMs: number): string {
    if (!Number.isSafeInteger(resolutionMs) || resolutionMs < 0) throw new Error(`lag resolution must be a whole number of ms ≥ 0 (got ${resolutionMs})`);
    return `${this.prefix}-lag-${resolutionMs === 0 ? 'raw' : `${resolutionMs}ms`}-`;
  }
}

/** `YYYY.MM.DD` of the UTC day of `epochMs` (clamped to years 1970–9999). */
function utcDay(epochMs: number): string {
  const day = new Date(Math.min(Math.max(epochMs, 0), LAST_NAMED_DAY_MS));
  const yyyy = String(day.getUTCFullYear()).padStart(4, '0');
  const mm = String(day.getUTCMonth() + 1).padStart(2, '0');
  const dd = String(day.getUTCDate()).padStart(2, '0');
  return `${yyyy}.${mm}.${dd}`;
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
  // A UTF-16 code unit takes at most 3 bytes in UTF-8: short ids need no byte count (this runs
  // several times per span on the ingest path).
  if ((id.length <= MAX_ID_BYTES / 3 || Buffer.byteLength(id, 'utf8') <= MAX_ID_BYTES) && !id.startsWith(HASHED_ID_MARK)) return id;
  return HASHED_ID_MARK + createHash('sha256').update(id, 'utf8').digest('base64url');
}
