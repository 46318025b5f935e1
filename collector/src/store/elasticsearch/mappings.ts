/**
 * Index templates and mappings. Only core Elasticsearch features: keyword, boolean, double,
 * date_nanos, and objects with `enabled: false` — nothing from x-pack (no `flattened`,
 * `wildcard`), no ingest scripts, data streams or ILM — so the store runs on any 9.x distribution,
 * including the minimal one.
 *
 * - Ids and names are `keyword`. Values longer than 8,191 characters (the most that fits Lucene's
 *   32 KiB term limit in UTF-8) are kept in `_source` but not indexed (`ignore_above`), instead of
 *   failing the whole document. Look-ups by id use the `docRef`/`*Ref` fields (see `docId`), which
 *   are always short, so they never miss.
 * - Times are `date_nanos` read as `epoch_millis`: the records hold fractional milliseconds, and
 *   nanosecond resolution keeps range boundaries and ordering exactly as the SQLite store has
 *   them (a `date` would truncate to whole milliseconds). `ignore_malformed` keeps a record with a
 *   time outside 1970–2262 (a broken clock) storable rather than failing its batch forever; such a
 *   record is returned by id but not found by time.
 * - Attribute maps, resource, links and span events are stored, never indexed (`enabled: false`):
 *   the store returns them but never queries into them, and free-form keys would otherwise grow
 *   the mapping without bound.
 * - `dynamic: false`: a field a newer collector adds is kept in `_source` (so it round-trips) without
 *   changing the mapping of indices an older template created.
 */
import type { estypes } from '@elastic/elasticsearch';
import type { IndexNames, RecordKind } from './index-names.js';

/** Bumped when a mapping changes; stored in the template's `_meta`. */
export const MAPPING_VERSION = 1;

/**
 * Above the built-in templates (priority 100 and below) so that a pattern such as `logs-*` in a
 * user's prefix cannot pick up someone else's mapping, and below 1000 so a user can still override.
 */
export const TEMPLATE_PRIORITY = 500;

const keyword: estypes.MappingProperty = { type: 'keyword', ignore_above: 8191 };
const time: estypes.MappingProperty = { type: 'date_nanos', format: 'epoch_millis', ignore_malformed: true };
const number: estypes.MappingProperty = { type: 'double' };
const stored: estypes.MappingProperty = { type: 'object', enabled: false };
/** Kept in `_source` only: no index, no doc values. */
const storedText: estypes.MappingProperty = { type: 'keyword', index: false, doc_values: false };

const MAPPINGS: Record<RecordKind, Record<string, estypes.MappingProperty>> = {
  spans: {
    docRef: keyword,
    traceId: keyword,
    spanId: keyword,
    parentSpanId: keyword,
    name: keyword,
    kind: keyword,
    startTime: time,
    endTime: time,
    startTimeUnixNano: storedText,
    durationMs: number,
    statusCode: keyword,
    statusMessage: storedText,
    service: keyword,
    /** docId() of `messaging.message.id`, for findRelatedSpans. */
    messageIdRef: keyword,
    /** Span ids this span links to, for findRelatedSpans. */
    linkedSpanIds: keyword,
    resource: stored,
    scope: stored,
    attributes: stored,
    links: stored,
    events: stored,
  },
  events: {
    docRef: keyword,
    id: keyword,
    type: keyword,
    system: keyword,
    destination: keyword,
    producerService: keyword,
    traceId: keyword,
    spanId: keyword,
    publishedAt: time,
    sendDurationMs: number,
    sendError: { type: 'boolean' },
    attributes: stored,
  },
  deliveries: {
    docRef: keyword,
    id: keyword,
    eventId: keyword,
    /** docId() of eventId, for getDeliveries. */
    eventRef: keyword,
    service: keyword,
    group: keyword,
    system: keyword,
    destination: keyword,
    outcome: keyword,
    receivedAt: time,
    processedAt: time,
    durationMs: number,
    queueMs: number,
    /** deliveryLatencyMs(), for topology percentiles (no scripting to compute it at query time). */
    latencyMs: number,
    traceId: keyword,
    spanId: keyword,
    attributes: stored,
  },
  edges: {
    docRef: keyword,
    id: keyword,
    from: keyword,
    to: keyword,
    fromRef: keyword,
    toRef: keyword,
    at: time,
    via: keyword,
  },
};

/** Lag samples (all resolutions): the sample as-is plus `docRef`. */
const LAG_SAMPLE_MAPPING: Record<string, estypes.MappingProperty> = {
  docRef: keyword,
  at: time,
  resolutionMs: { type: 'long' },
  system: keyword,
  cluster: keyword,
  group: keyword,
  destination: keyword,
  partition: { type: 'long' },
  lag: number,
  lagSeconds: number,
  drainSeconds: number,
  position: number,
  logStart: number,
  logEnd: number,
  ready: number,
  unacked: number,
  members: number,
  status: keyword,
  noCommit: { type: 'boolean' },
};

/** An API rule: only its id is indexed; the rule itself is stored whole, never queried into. */
const ALERT_RULE_MAPPING: Record<string, estypes.MappingProperty> = {
  docRef: keyword,
  id: keyword,
  rule: stored,
};

/**
 * Alert history: the event as-is plus `docRef`. `value` and `threshold` are a number or a status
 * name, so they stay unmapped (kept in `_source` by `dynamic: false`): one mapped type could not
 * hold both.
 */
const ALERT_EVENT_MAPPING: Record<string, estypes.MappingProperty> = {
  docRef: keyword,
  id: keyword,
  alertId: keyword,
  ruleId: keyword,
  ruleName: keyword,
  metric: keyword,
  cluster: keyword,
  group: keyword,
  destination: keyword,
  state: keyword,
  at: time,
  message: storedText,
  reason: storedText,
  silenced: { type: 'boolean' },
};

/**
 * Dead letters: the grouped and filtered fields ('' when absent) beside the record stored whole.
 * `errorType`/`errorMessage` are kept in `_source` for the hotspot sample only.
 */
const DEAD_LETTER_MAPPING: Record<string, estypes.MappingProperty> = {
  docRef: keyword,
  id: keyword,
  eventRef: keyword,
  deadLetteredAt: time,
  fingerprint: keyword,
  group: keyword,
  service: keyword,
  eventType: keyword,
  producerVersion: keyword,
  destination: keyword,
  reason: keyword,
  errorType: storedText,
  errorMessage: storedText,
  record: stored,
};

/** Redrive audit log: the filtered fields beside the entry stored whole. */
const REDRIVE_AUDIT_MAPPING: Record<string, estypes.MappingProperty> = {
  docRef: keyword,
  id: keyword,
  deadLetterId: keyword,
  eventId: keyword,
  at: time,
  entry: stored,
};

export function indexTemplate(names: IndexNames, kind: RecordKind): estypes.IndicesPutIndexTemplateRequest {
  return template(names.template(kind), names.pattern(kind), MAPPINGS[kind]);
}

/** The templates of the lag and alert indices, beside the four record kinds'. */
export function lagAndAlertTemplates(names: IndexNames): estypes.IndicesPutIndexTemplateRequest[] {
  return [
    template(names.lagTemplate(), names.lagPattern(), LAG_SAMPLE_MAPPING),
    // Rule writes wait for a refresh (read-your-writes); a short interval keeps that wait short,
    // and costs nothing on an index this small (a refresh with no change is a no-op). An explicit
    // interval also keeps the index from going search-idle.
    template(names.alertRules(), names.alertRules(), ALERT_RULE_MAPPING, { refresh_interval: '250ms' }),
    template(names.alertEvents(), names.alertEvents(), ALERT_EVENT_MAPPING),
    template(names.deadLetters(), names.deadLetters(), DEAD_LETTER_MAPPING),
    template(names.redriveAudit(), names.redriveAudit(), REDRIVE_AUDIT_MAPPING),
  ];
}

function template(
  name: string,
  pattern: string,
  properties: Record<string, estypes.MappingProperty>,
  settings: estypes.IndicesIndexSettings = {},
): estypes.IndicesPutIndexTemplateRequest {
  return {
    name,
    index_patterns: [pattern],
    priority: TEMPLATE_PRIORITY,
    version: MAPPING_VERSION,
    _meta: { managed_by: 'causeway', mapping_version: MAPPING_VERSION },
    template: {
      settings: {
        // Daily indices stay small; one shard each keeps the shard count per node low.
        number_of_shards: 1,
        // A replica wherever there is a second node, none (and a green cluster) on a single node.
        auto_expand_replicas: '0-1',
        ...settings,
      },
      mappings: { dynamic: false, properties },
    },
  };
}
