/** The in-process lag source reports what the demo broker's queues hold, group by group. */
import { describe, expect, it } from 'vitest';
import { InProcessBroker } from '../../../demo/broker/index.js';
import type { GroupReading } from '../../types.js';
import { InProcessLagSource } from './index.js';

async function until(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const find = (readings: GroupReading[], destination: string, group: string): GroupReading | undefined =>
  readings.find((reading) => reading.destination === destination && reading.group === group);

describe('InProcessLagSource', () => {
  it('reports each group of a topic with the depths and counters of its queue; a slow group lags', async () => {
    const broker = new InProcessBroker();
    broker.declare('orders', 'topic');
    let fastHandled = 0;
    broker.subscribe('orders', 'billing', () => void fastHandled++);
    // Holds each delivery a while: the messages behind it wait.
    broker.subscribe('orders', 'audit', () => new Promise((resolve) => setTimeout(resolve, 200)));
    const published = Array.from({ length: 10 }, (_, i) => broker.publish('orders', { body: `o${i}` }));
    await until('billing to catch up', () => fastHandled === 10);

    const billingStats = broker.stats('orders', 'billing');
    const auditStats = broker.stats('orders', 'audit');
    const source = new InProcessLagSource(broker, { cluster: 'demo' });
    // The snapshot is taken synchronously in poll(), at the same moment as the stats above.
    const readings = await source.poll(new AbortController().signal);

    expect(source.name).toBe('in-process');
    expect(source.system).toBe('in-process');
    expect(find(readings, 'orders', 'billing')).toEqual({
      system: 'in-process',
      cluster: 'demo',
      group: 'billing',
      destination: 'orders',
      members: 1,
      partitions: [{ partition: 0, queue: { ready: 0, unacked: 0, acked: 10, delivered: 10 } }],
    });
    expect(billingStats).toMatchObject({ ready: 0, inFlight: 0, acked: 10, delivered: 10 });

    const audit = find(readings, 'orders', 'audit');
    expect(audit?.members).toBe(1);
    expect(audit?.partitions).toHaveLength(1);
    const queue = audit?.partitions[0]?.queue;
    expect(queue).toMatchObject({ ready: auditStats?.ready, unacked: auditStats?.inFlight, acked: auditStats?.acked, delivered: auditStats?.delivered });
    expect(queue?.ready).toBeGreaterThan(5);
    expect(queue?.unacked).toBe(1);
    // The head of the ready list is the first message not delivered yet.
    const delivered = auditStats?.delivered ?? 0;
    expect(queue?.headPublishedAt).toBe(published[delivered]?.publishedAt);
    await broker.close(0);
  });

  it('reports a queue nobody consumes with zero members, and its dead-letter queue unless asked not to', async () => {
    const broker = new InProcessBroker({ maxDeliveries: 1 });
    broker.declare('jobs', 'queue');
    broker.declare('mail', 'queue');
    const first = broker.publish('mail', { body: 'waiting' });
    broker.publish('mail', { body: 'also waiting' });
    broker.subscribe('jobs', 'jobs', (delivery) => (delivery.message.body === 'poison' ? delivery.reject() : undefined));
    broker.publish('jobs', { body: 'poison' });
    broker.publish('jobs', { body: 'fine' });
    await until('the poison message in the DLQ', () => (broker.stats('jobs.dlq')?.ready ?? 0) === 1 && broker.stats('jobs')?.acked === 1);

    const readings = await new InProcessLagSource(broker).poll(new AbortController().signal);
    expect(find(readings, 'mail', 'mail')).toMatchObject({
      cluster: 'default',
      members: 0,
      partitions: [{ partition: 0, queue: { ready: 2, unacked: 0, acked: 0, delivered: 0, headPublishedAt: first.publishedAt } }],
    });
    // The rejected message left the queue through its consumer: it counts as settled.
    expect(find(readings, 'jobs', 'jobs')?.partitions[0]?.queue).toMatchObject({ ready: 0, unacked: 0, acked: 2, delivered: 2 });
    expect(find(readings, 'jobs.dlq', 'jobs.dlq')).toMatchObject({ members: 0, partitions: [{ queue: { ready: 1 } }] });

    const withoutDlq = await new InProcessLagSource(broker, { includeDeadLetterQueues: false }).poll(new AbortController().signal);
    expect(withoutDlq.map((reading) => reading.destination).sort()).toEqual(['jobs', 'mail']);
    await broker.close(0);
  });

  it('rejects an aborted poll and leaves the broker open on close', async () => {
    const broker = new InProcessBroker();
    broker.declare('jobs', 'queue');
    const source = new InProcessLagSource(broker);
    const controller = new AbortController();
    controller.abort(new Error('interval over'));
    await expect(source.poll(controller.signal)).rejects.toThrow('interval over');
    await source.close();
    expect(() => broker.publish('jobs', { body: 'still open' })).not.toThrow();
    await broker.close(0);
  });
});
