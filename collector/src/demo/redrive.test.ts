import { describe, expect, it } from 'vitest';
import { InProcessBroker } from './broker/index.js';
import { InProcessRedriver, inProcessDeadLetterQueues } from './redrive.js';
import type { BrokerRedriveContext, RedriveJob } from '../redrive/broker.js';
import type { DeadLetterRecord } from '../deadletters/types.js';
import { eventually } from '../../../test/support/collector.js';

function record(eventId: string): DeadLetterRecord {
  return {
    id: `${eventId}|billing`,
    eventId,
    system: 'causeway_demo',
    origin: { destination: 'orders', group: 'billing' },
    deadLetter: { reason: 'rejected', convention: 'settlement' },
    error: { fingerprint: 'f' },
    producer: {},
    attempts: 1,
    deadLetteredAt: 1,
    traceId: '0'.repeat(31) + '1',
    spanId: '0'.repeat(15) + '1',
  };
}

const context = (dryRun: boolean): BrokerRedriveContext => ({
  dryRun,
  permit: async () => true,
  stamp: (job) => ({ headers: { traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`, 'causeway-event-id': job.record.eventId }, end: () => undefined }),
});

describe('redrive over the demo broker', () => {
  it('takes the dead letter off its queue and delivers it again to the group that failed it only', async () => {
    const broker = new InProcessBroker({ maxDeliveries: 1, redeliveryDelayMs: 0 });
    broker.declare('orders', 'topic');
    const billing: Array<Record<string, string>> = [];
    const shipping: string[] = [];
    let fail = true;
    broker.subscribe('orders', 'billing', (delivery) => {
      billing.push(delivery.message.headers);
      if (fail) delivery.reject();
      else delivery.ack();
    });
    broker.subscribe('orders', 'shipping', (delivery) => void shipping.push(delivery.message.id));
    broker.publish('orders', { headers: { 'causeway-event-id': 'e-1', traceparent: `00-${'c'.repeat(32)}-${'d'.repeat(16)}-01` }, body: '{}' });
    await eventually('dead-lettered', async () => (broker.stats('orders.billing.dlq')?.ready === 1 ? true : undefined), 5_000);

    const [dlq] = await inProcessDeadLetterQueues(broker).queuesFor(record('e-1'));
    expect(dlq).toBe('orders.billing.dlq');
    const redriver = new InProcessRedriver(broker);
    const jobs: RedriveJob[] = [{ record: record('e-1'), redriveCount: 1 }];
    expect(await redriver.redrive(dlq!, jobs, context(true))).toEqual([{ result: 'would-republish', target: { system: 'in-process', destination: 'orders' } }]);
    expect(broker.stats('orders.billing.dlq')?.ready).toBe(1);

    fail = false;
    expect(await redriver.redrive(dlq!, jobs, context(false))).toEqual([{ result: 'republished', target: { system: 'in-process', destination: 'orders' } }]);
    await eventually('delivered again to billing', async () => (billing.length === 2 ? true : undefined), 5_000);
    expect(broker.stats('orders.billing.dlq')?.ready).toBe(0);
    expect(shipping).toHaveLength(1);
    const again = billing[1]!;
    expect(again['causeway-event-id']).toBe('e-1');
    expect(again.traceparent).toContain('a'.repeat(32));
    expect(Object.keys(again).filter((name) => name.startsWith('x-'))).toEqual([]);

    expect(await redriver.redrive(dlq!, jobs, context(false))).toEqual([{ result: 'skipped', detail: 'message no longer in the dead-letter queue' }]);
    await broker.close();
  });
});
