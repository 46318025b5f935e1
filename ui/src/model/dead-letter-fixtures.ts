/** Answers of the dead-letter API for model and component tests, shaped like the collector's. */
import type { DeadLetterDetail, DeadLetterView, HotspotResponse, HotspotRowView, RedriveAuditView, RedriveResponse } from '../api/schemas';

export const DL_T0 = Date.parse('2025-03-10T12:00:00.000Z');
export const iso = (offsetMs: number) => new Date(DL_T0 + offsetMs).toISOString();

export function deadLetterView(id: string, overrides: Partial<DeadLetterView> = {}): DeadLetterView {
  const eventId = id.split('|')[0] ?? id;
  return {
    id,
    eventId,
    eventType: 'order.placed',
    system: 'rabbitmq',
    origin: { destination: 'orders', partition: null, offset: null, group: 'billing', service: 'billing-svc' },
    deadLetter: { destination: 'orders.dlq', reason: 'rejected', convention: 'rabbitmq' },
    error: { type: 'ValidationError', message: 'amount must be positive', fingerprint: 'a1b2c3d4e5f60718' },
    producer: { service: 'shop', version: '1.4.2' },
    attempts: 3,
    firstFailureAt: iso(-60_000),
    lastFailureAt: iso(-5_000),
    deadLetteredAt: iso(0),
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    redriveCount: 0,
    deadLetteredAgainAfterRedrive: false,
    ...overrides,
  };
}

export function redriveAudit(overrides: Partial<RedriveAuditView> = {}): RedriveAuditView {
  return {
    id: 'evt-1|billing|1|0',
    deadLetterId: 'evt-1|billing',
    eventId: 'evt-1',
    at: iso(120_000),
    actor: 'admin-token 127.0.0.1',
    dryRun: false,
    result: 'republished',
    detail: null,
    target: { system: 'rabbitmq', destination: 'orders' },
    newEventId: null,
    ...overrides,
  };
}

export function deadLetterDetail(id: string, overrides: Partial<DeadLetterDetail> = {}): DeadLetterDetail {
  const view = deadLetterView(id);
  return {
    ...view,
    error: { ...view.error, stack: 'ValidationError: amount must be positive\n    at validate (billing.js:12:7)\n    at handle (billing.js:40:3)' },
    payload: '{"orderId":"o-17","amount":-5,"card":"[REDACTED]"}',
    payloadTruncated: false,
    headers: { 'x-first-death-queue': 'orders', 'x-first-death-reason': 'rejected', 'content-type': 'application/json' },
    lineage: { eventId: view.eventId, apiPath: `/api/events/${view.eventId}/lineage`, uiPath: `/events/${view.eventId}` },
    redrives: [],
    ...overrides,
  };
}

export function hotspotRow(key: Record<string, string>, counts: number[], overrides: Partial<HotspotRowView> = {}): HotspotRowView {
  const half = Math.floor(counts.length / 2);
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
  return {
    key,
    count: sum(counts),
    firstAt: iso(-50 * 60_000),
    lastAt: iso(0),
    series: counts.map((count, index) => ({ t: DL_T0 - (counts.length - index) * 300_000, count })),
    sample: { id: 'evt-1|billing', errorType: 'ValidationError', errorMessage: 'amount must be positive' },
    trend: sum(counts.slice(counts.length - half)) - sum(counts.slice(0, half)),
    ...overrides,
  };
}

export function hotspots(rows: HotspotRowView[], groupBy: HotspotResponse['groupBy'] = ['fingerprint', 'group']): HotspotResponse {
  return { from: iso(-3_600_000), to: iso(0), groupBy, bucketMs: 300_000, rows };
}

export function redriveResponse(dryRun: boolean, results: RedriveAuditView[]): RedriveResponse {
  const goes = results.filter((entry) => entry.result === 'republished' || entry.result === 'would-republish').length;
  return {
    dryRun,
    results,
    republished: goes,
    skipped: results.filter((entry) => entry.result === 'skipped').length,
    failed: results.filter((entry) => entry.result === 'failed').length,
  };
}
