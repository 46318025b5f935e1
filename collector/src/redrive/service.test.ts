/**
 * The service's rules without a broker: loop guard, one redrive per dead letter at a time, the
 * rate limit's time budget, missing connections, and the audit entries, over the real SQLite store.
 * The broker side is a recording BrokerRedriver (the real ones are tested against real brokers).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../store/store.js';
import type { BrokerRedriveContext, BrokerRedriver, JobOutcome, RedriveJob } from './broker.js';
import { DeadLetterNotFoundError, RedriveService, RedriveUnavailableError } from './service.js';
import { deadLetterRecord, sqliteStoreWith } from './testing/records.js';

/** Republishes everything it is given, recording the stamped headers; optionally waits for a signal first. */
class RecordingRedriver implements BrokerRedriver {
  readonly calls: Array<{ destination: string; jobs: RedriveJob[]; headers: Array<Record<string, string>> }> = [];
  gate: Promise<void> | undefined;

  async redrive(destination: string, jobs: RedriveJob[], context: BrokerRedriveContext): Promise<JobOutcome[]> {
    const call = { destination, jobs, headers: [] as Array<Record<string, string>> };
    this.calls.push(call);
    await this.gate;
    const outcomes: JobOutcome[] = [];
    for (const job of jobs) {
      const target = { system: 'rabbitmq', destination: job.record.origin.destination };
      if (context.dryRun) {
        outcomes.push({ result: 'would-republish', target });
        continue;
      }
      if (!(await context.permit())) {
        outcomes.push({ result: 'skipped', detail: 'rate limit: try again', target });
        continue;
      }
      const span = context.stamp(job, target);
      call.headers.push(span.headers);
      span.end();
      outcomes.push({ result: 'republished', target });
    }
    return outcomes;
  }

  async close(): Promise<void> {}
}

let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

const request = { dryRun: false, force: false, actor: 'alice (127.0.0.1)' };

describe('RedriveService', () => {
  it('republishes once, then refuses until forced, auditing every attempt', async () => {
    const record = deadLetterRecord({ eventId: 'e-1' });
    store = await sqliteStoreWith([record]);
    const redriver = new RecordingRedriver();
    const service = new RedriveService({ store, brokers: {}, redrivers: { rabbitmq: redriver } });

    const first = await service.redriveOne(record.id, request);
    expect(first).toMatchObject({ result: 'republished', deadLetterId: record.id, eventId: 'e-1', newEventId: 'e-1', actor: 'alice (127.0.0.1)', dryRun: false });
    expect(first.id.startsWith(`${record.id}|`)).toBe(true);
    expect(redriver.calls[0]?.destination).toBe('orders.dlq');
    const headers = redriver.calls[0]?.headers[0] ?? {};
    expect(headers).toMatchObject({ 'causeway-event-id': 'e-1', 'causeway-redrive-of': record.id, 'causeway-redrive-count': '1' });
    expect(headers['traceparent']).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
    expect(headers['traceparent']).not.toContain(record.traceId);

    const second = await service.redriveOne(record.id, request);
    expect(second).toMatchObject({ result: 'skipped', detail: 'already redriven once; pass force to redrive again' });
    expect(redriver.calls).toHaveLength(1);

    const forced = await service.redriveOne(record.id, { ...request, force: true });
    expect(forced.result).toBe('republished');
    expect(redriver.calls[1]?.headers[0]?.['causeway-redrive-count']).toBe('2');
    expect(await service.redriveOne(record.id, request)).toMatchObject({ detail: 'already redriven 2 times; pass force to redrive again' });

    const audit = await store.listRedriveAudit({ deadLetterId: record.id, limit: 10 });
    expect(audit.map((entry) => entry.result).sort()).toEqual(['republished', 'republished', 'skipped', 'skipped']);
    expect(new Set(audit.map((entry) => entry.id)).size).toBe(4);
  });

  it('dry runs are audited and do not count for the loop guard', async () => {
    const record = deadLetterRecord({ eventId: 'e-dry' });
    store = await sqliteStoreWith([record]);
    const service = new RedriveService({ store, brokers: {}, redrivers: { rabbitmq: new RecordingRedriver() } });
    expect(await service.redriveOne(record.id, { ...request, dryRun: true })).toMatchObject({ result: 'would-republish', dryRun: true, target: { destination: 'orders' } });
    expect(await service.redriveOne(record.id, request)).toMatchObject({ result: 'republished' });
    const audit = await store.listRedriveAudit({ deadLetterId: record.id, limit: 10 });
    expect(audit.map((entry) => [entry.result, entry.dryRun]).sort()).toEqual([['republished', false], ['would-republish', true]]);
  });

  it('answers not found for an unknown id, and unavailable (audited) without the broker connection', async () => {
    const kafkaRecord = deadLetterRecord({ eventId: 'e-k', system: 'kafka', deadLetter: { destination: 'orders.DLT', reason: 'error', convention: 'spring-kafka', partition: 0, offset: '3' } });
    const demoRecord = deadLetterRecord({ eventId: 'e-d', system: 'causeway-demo' });
    store = await sqliteStoreWith([kafkaRecord, demoRecord]);
    const service = new RedriveService({ store, brokers: { rabbitmq: { amqpUrl: 'amqp://127.0.0.1:1' } } });
    await expect(service.redriveOne('nope', request)).rejects.toBeInstanceOf(DeadLetterNotFoundError);
    await expect(service.redriveOne(kafkaRecord.id, request)).rejects.toThrow(/--kafka/);
    await expect(service.redriveOne(demoRecord.id, request)).rejects.toBeInstanceOf(RedriveUnavailableError);
    const audit = await store.listRedriveAudit({ deadLetterId: kafkaRecord.id, limit: 10 });
    expect(audit).toMatchObject([{ result: 'failed', detail: expect.stringContaining('--kafka') }]);
  });

  it('skips a dead letter whose redrive is already running', async () => {
    const record = deadLetterRecord({ eventId: 'e-busy' });
    store = await sqliteStoreWith([record]);
    const redriver = new RecordingRedriver();
    let open: () => void = () => undefined;
    redriver.gate = new Promise<void>((resolve) => (open = resolve));
    const service = new RedriveService({ store, brokers: {}, redrivers: { rabbitmq: redriver } });
    const first = service.redriveOne(record.id, request);
    while (redriver.calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const second = await service.redriveOne(record.id, { ...request, force: true });
    expect(second).toMatchObject({ result: 'skipped', detail: 'a redrive of this dead letter is already running' });
    open();
    expect((await first).result).toBe('republished');
  });

  it('bulk: selects by filter, stops at the time budget and reports the rest as rate-limited', async () => {
    const records = Array.from({ length: 6 }, (_, i) => deadLetterRecord({ eventId: `e-bulk-${i}`, error: { type: 'TypeError', message: 'x', fingerprint: 'aaaaaaaaaaaaaaaa' } }));
    const other = deadLetterRecord({ eventId: 'e-other', error: { type: 'RangeError', message: 'y', fingerprint: 'bbbbbbbbbbbbbbbb' } });
    store = await sqliteStoreWith([...records, other]);
    const redriver = new RecordingRedriver();
    // 2 tokens at once, the next only after 500 ms: a 300 ms budget lets exactly 2 through.
    const service = new RedriveService({ store, brokers: {}, redrivers: { rabbitmq: redriver }, ratePerSecond: 2, timeBudgetMs: 300 });
    const entries = await service.redriveMany({ from: 0, to: Date.now() + 1000, fingerprint: 'aaaaaaaaaaaaaaaa' }, { ...request, limit: 100 });
    expect(entries).toHaveLength(6);
    expect(entries.filter((entry) => entry.result === 'republished')).toHaveLength(2);
    expect(entries.filter((entry) => entry.result === 'skipped' && entry.detail === 'rate limit: try again')).toHaveLength(4);
    expect(entries.some((entry) => entry.deadLetterId === other.id)).toBe(false);
    // One broker call for the shared dead-letter queue.
    expect(redriver.calls).toHaveLength(1);
    // The rate-limited ones were not republished, so a later request may take them without force.
    const later = await service.redriveMany({ from: 0, to: Date.now() + 1000, fingerprint: 'aaaaaaaaaaaaaaaa' }, { ...request, dryRun: true, limit: 100 });
    expect(later.filter((entry) => entry.result === 'would-republish')).toHaveLength(4);
  });
});
