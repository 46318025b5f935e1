/** Dead letters shaped for the API: list, detail with its redrives, and hotspots with trends. */
import type { Store } from '../store/store.js';
import type { DeadLetterRecord, DeadLetterReason, HotspotDimension, HotspotRow, RedriveAuditEntry } from '../deadletters/types.js';
import type { DeadLetterDetail, DeadLetterView, HotspotResponse, RedriveAuditView } from '../schemas/dead-letters.js';
import type { Static } from 'typebox';
import type { DeadLetterSearchQuery, HotspotQueryParams } from '../schemas/dead-letters.js';
import { hotspotBucketMs, normaliseGroupBy } from '../deadletters/hotspot-math.js';
import { parseDuration } from '../alerts/duration.js';
import { InvalidParameterError } from './errors.js';
import { iso, parseRange } from './time.js';

export const DEFAULT_DEAD_LETTER_LIMIT = 100;
/** Ranges default to the last day. */
const DEFAULT_RANGE_MS = 86_400_000;
/** Redrives looked up per dead letter (the loop guard needs only whether one happened). */
const REDRIVES_PER_DEAD_LETTER = 100;
/** Concurrent audit look-ups when shaping a list. */
const AUDIT_CONCURRENCY = 8;

export async function listDeadLetters(store: Store, query: Static<typeof DeadLetterSearchQuery>, now = Date.now()): Promise<DeadLetterView[]> {
  const range = parseRange(query.from, query.to, DEFAULT_RANGE_MS, now);
  const records = await store.searchDeadLetters({
    ...range,
    ...definedOnly({
      fingerprint: query.fingerprint,
      group: query.group,
      service: query.service,
      eventType: query.eventType,
      destination: query.destination,
      producerVersion: query.producerVersion,
      reason: query.reason as DeadLetterReason | undefined,
    }),
    limit: query.limit ?? DEFAULT_DEAD_LETTER_LIMIT,
  });
  const audits = await mapLimited(records, AUDIT_CONCURRENCY, (record) => redrivesOf(store, record.id));
  return records.map((record, i) => toView(record, audits[i] ?? []));
}

export async function getDeadLetterDetail(store: Store, id: string): Promise<DeadLetterDetail | undefined> {
  const [record] = (await store.getDeadLetters([id])).filter((found) => found.id === id);
  if (!record) return undefined;
  const redrives = await redrivesOf(store, id);
  const view = toView(record, redrives);
  return {
    ...view,
    error: { ...view.error, stack: record.error.stack ?? null },
    payload: record.payload ?? null,
    payloadTruncated: record.payloadTruncated ?? false,
    headers: record.headers ?? null,
    lineage: {
      eventId: record.eventId,
      apiPath: `/api/events/${encodeURIComponent(record.eventId)}/lineage`,
      uiPath: `/events/${encodeURIComponent(record.eventId)}`,
    },
    redrives: redrives.map(toAuditView),
  };
}

export async function deadLetterHotspots(store: Store, query: Static<typeof HotspotQueryParams>, now = Date.now()): Promise<HotspotResponse> {
  const range = parseRange(query.from, query.to, DEFAULT_RANGE_MS, now);
  const groupBy = normaliseGroupBy((query.groupBy?.split(',') ?? ['fingerprint']) as HotspotDimension[]);
  let asked: number;
  try {
    asked = query.bucket === undefined ? defaultBucket(range.to - range.from) : parseDuration(query.bucket);
  } catch {
    throw new InvalidParameterError('bucket is a duration like 1m, 5m or 1h');
  }
  if (asked < 1) throw new InvalidParameterError('bucket must be at least 1ms');
  const bucketMs = hotspotBucketMs({ ...range, bucketMs: asked });
  const rows = await store.deadLetterHotspots({ ...range, groupBy, bucketMs });
  const middle = range.from + (range.to - range.from) / 2;
  return {
    from: iso(range.from),
    to: iso(range.to),
    groupBy,
    bucketMs,
    rows: rows.map((row) => toHotspotView(row, middle)),
  };
}

/** About 48 trend points over the range, in whole minutes (whole seconds for short ranges). */
function defaultBucket(spanMs: number): number {
  const raw = spanMs / 48;
  const unit = raw >= 60_000 ? 60_000 : 1_000;
  return Math.max(unit, Math.ceil(raw / unit) * unit);
}

function toHotspotView(row: HotspotRow, middle: number) {
  let trend = 0;
  // A bucket counts for the half its start falls in.
  for (const point of row.series) trend += point.t >= middle ? point.count : -point.count;
  return {
    key: Object.fromEntries(Object.entries(row.key).map(([k, v]) => [k, v ?? ''])),
    count: row.count,
    firstAt: iso(row.firstAt),
    lastAt: iso(row.lastAt),
    series: row.series,
    sample: { id: row.sample.id, errorType: row.sample.errorType ?? null, errorMessage: row.sample.errorMessage ?? null },
    trend,
  };
}

async function redrivesOf(store: Store, deadLetterId: string): Promise<RedriveAuditEntry[]> {
  return store.listRedriveAudit({ deadLetterId, limit: REDRIVES_PER_DEAD_LETTER });
}

/**
 * The record as the API shows it. `deadLetteredAgainAfterRedrive`: the message dead-lettered
 * (again) after a redrive republished it: the loop the redrive guard refuses to feed.
 */
export function toView(record: DeadLetterRecord, redrives: readonly RedriveAuditEntry[]): DeadLetterView {
  const republished = redrives.filter((entry) => entry.result === 'republished');
  return {
    id: record.id,
    eventId: record.eventId,
    eventType: record.eventType ?? null,
    system: record.system ?? null,
    origin: {
      destination: record.origin.destination,
      partition: record.origin.partition ?? null,
      offset: record.origin.offset ?? null,
      group: record.origin.group,
      service: record.origin.service ?? null,
    },
    deadLetter: {
      destination: record.deadLetter.destination ?? null,
      reason: record.deadLetter.reason,
      convention: record.deadLetter.convention,
    },
    error: { type: record.error.type ?? null, message: record.error.message ?? null, fingerprint: record.error.fingerprint },
    producer: { service: record.producer.service ?? null, version: record.producer.version ?? null },
    attempts: Math.max(0, Math.floor(record.attempts)),
    firstFailureAt: record.firstFailureAt === undefined ? null : iso(record.firstFailureAt),
    lastFailureAt: record.lastFailureAt === undefined ? null : iso(record.lastFailureAt),
    deadLetteredAt: iso(record.deadLetteredAt),
    traceId: record.traceId,
    spanId: record.spanId,
    redriveCount: republished.length,
    deadLetteredAgainAfterRedrive: republished.some((entry) => entry.at < record.deadLetteredAt),
  };
}

export function toAuditView(entry: RedriveAuditEntry): RedriveAuditView {
  return {
    id: entry.id,
    deadLetterId: entry.deadLetterId,
    eventId: entry.eventId,
    at: iso(entry.at),
    actor: entry.actor,
    dryRun: entry.dryRun,
    result: entry.result,
    detail: entry.detail ?? null,
    target: entry.target ?? null,
    newEventId: entry.newEventId ?? null,
  };
}

function definedOnly<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** `fn` over `items`, at most `limit` at a time, results in order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  });
  await Promise.all(workers);
  return results;
}
