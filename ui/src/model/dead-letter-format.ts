/**
 * Words for dead letters: reasons and conventions in plain language, payloads pretty-printed
 * when they are JSON, a redrive answer summarised (what went or would go where, what was skipped
 * and why), and the collector's refusals of a redrive explained.
 */
import type { DeadLetterConvention, DeadLetterReason, RedriveAuditView, RedriveResponse } from '../api/schemas';

export const REASON_LABELS: Readonly<Record<DeadLetterReason, string>> = {
  rejected: 'rejected by the consumer',
  expired: 'expired (message TTL)',
  maxlen: 'dropped by the queue length limit',
  delivery_limit: 'delivery limit reached',
  error: 'failed in the consumer',
  unknown: 'unknown',
};

export const CONVENTION_LABELS: Readonly<Record<DeadLetterConvention, string>> = {
  rabbitmq: 'RabbitMQ dead-letter exchange (x-death)',
  'spring-kafka': 'Spring Kafka dead-letter topic (kafka_dlt-* headers)',
  'kafka-connect': 'Kafka Connect dead-letter queue (__connect.errors.* headers)',
  causeway: 'Causeway retry / dead-letter helper',
  settlement: 'the consumer’s settlement (reject or nack without requeue)',
};

export type PayloadView = { kind: 'not-captured' } | { kind: 'json'; text: string } | { kind: 'text'; text: string };

/**
 * A captured payload as people read it: an object or array re-indented, anything else (plain
 * text, a payload cut at the capture cap, which no longer parses) as it is.
 */
export function formatPayload(payload: string | null | undefined): PayloadView {
  if (payload === null || payload === undefined) return { kind: 'not-captured' };
  const trimmed = payload.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return { kind: 'json', text: JSON.stringify(JSON.parse(trimmed), null, 2) };
    } catch {
      // Not JSON after all (or truncated): shown verbatim below.
    }
  }
  return { kind: 'text', text: payload };
}

/** Headers sorted by name so related ones (`x-death`, `kafka_dlt-*`) sit together. */
export function sortedHeaders(headers: Readonly<Record<string, string>> | null): [string, string][] {
  return headers ? Object.entries(headers).sort(([a], [b]) => a.localeCompare(b)) : [];
}

export const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

export interface RedriveTargetCount {
  system: string;
  destination: string;
  count: number;
}

export interface RedriveReasonCount {
  reason: string;
  count: number;
}

export interface RedriveSummary {
  dryRun: boolean;
  /** Republished, or (dry run) would be republished. */
  republishCount: number;
  skippedCount: number;
  failedCount: number;
  headline: string;
  targets: RedriveTargetCount[];
  skipped: RedriveReasonCount[];
  failed: RedriveReasonCount[];
}

function countBy<T>(items: readonly RedriveAuditView[], keyOf: (item: RedriveAuditView) => string, make: (key: string, first: RedriveAuditView) => T): (T & { count: number })[] {
  const groups = new Map<string, { value: T; count: number }>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.count += 1;
    else groups.set(key, { value: make(key, item), count: 1 });
  }
  return [...groups.values()].map(({ value, count }) => ({ ...value, count })).sort((a, b) => b.count - a.count);
}

/**
 * What a redrive did or (dry run) would do. Counts come from the per-message results when there
 * are any, so the headline always agrees with the lines under it.
 */
export function summarizeRedrive(response: RedriveResponse): RedriveSummary {
  const goes = response.results.filter((entry) => entry.result === 'republished' || entry.result === 'would-republish');
  const skipped = response.results.filter((entry) => entry.result === 'skipped');
  const failed = response.results.filter((entry) => entry.result === 'failed');
  const fromResults = response.results.length > 0;
  const republishCount = fromResults ? goes.length : response.republished;
  const skippedCount = fromResults ? skipped.length : response.skipped;
  const failedCount = fromResults ? failed.length : response.failed;

  const parts = [response.dryRun ? `Would republish ${plural(republishCount, 'message')}` : `Republished ${plural(republishCount, 'message')}`];
  if (skippedCount > 0) parts.push(`${skippedCount} ${response.dryRun ? 'would be ' : ''}skipped`);
  if (failedCount > 0) parts.push(`${failedCount} ${response.dryRun ? 'cannot be redriven' : 'failed'}`);
  const headline = republishCount + skippedCount + failedCount === 0 ? 'No dead letters matched: nothing to redrive.' : `${parts.join(', ')}.`;

  const withoutReason = 'no reason given';
  return {
    dryRun: response.dryRun,
    republishCount,
    skippedCount,
    failedCount,
    headline,
    targets: countBy(
      goes,
      (entry) => (entry.target ? `${entry.target.system}\u0000${entry.target.destination}` : ''),
      (_key, first) => ({ system: first.target?.system ?? 'unknown', destination: first.target?.destination ?? 'its origin' }),
    ),
    skipped: countBy(skipped, (entry) => entry.detail ?? withoutReason, (reason) => ({ reason })),
    failed: countBy(failed, (entry) => entry.detail ?? withoutReason, (reason) => ({ reason })),
  };
}

/**
 * The collector's refusal of a redrive, with what to do about it. `message` is the collector's
 * own sentence (with the HTTP status); 401, 403 and 409 get the reason in words first.
 */
export function redriveErrorMessage(status: number | undefined, message: string): string {
  switch (status) {
    case 401:
      return `The collector did not accept the admin token. Check it and try again. (${message})`;
    case 403:
      return `Redrive is disabled on this collector: it is turned on by configuring an admin token on the collector. (${message})`;
    case 409:
      return `The collector refused to redrive: ${message}`;
    default:
      return message;
  }
}
