/** The in-process broker's semantics: groups, competing consumers, acks, redelivery, dead letters, slow consumers, bounds. */
import { describe, expect, it } from 'vitest';
import { DEAD_LETTER_HEADERS, InProcessBroker } from './broker.js';
import type { BrokerDelivery } from './types.js';

/** Resolves once `check` holds, polling briefly; fails the test with `what` otherwise. */
async function until(what: string, check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const bodies = (deliveries: BrokerDelivery[]): string[] => deliveries.map((d) => d.message.body);

describe('InProcessBroker', () => {
  it('gives every consumer group every message of a topic, and each message to one member of a group', async () => {
    const broker = new InProcessBroker();
    broker.declare('orders', 'topic');
    const billingA: BrokerDelivery[] = [];
    const billingB: BrokerDelivery[] = [];
    const audit: BrokerDelivery[] = [];
    broker.subscribe('orders', 'billing', (d) => void billingA.push(d));
    broker.subscribe('orders', 'billing', (d) => void billingB.push(d));
    broker.subscribe('orders', 'audit', (d) => void audit.push(d));
    for (let i = 0; i < 6; i++) broker.publish('orders', { body: `o${i}`, headers: { n: String(i) } });

    await until('all deliveries', () => billingA.length + billingB.length === 6 && audit.length === 6);
    expect(bodies(audit)).toEqual(['o0', 'o1', 'o2', 'o3', 'o4', 'o5']);
    expect(billingA.length).toBeGreaterThan(0);
    expect(billingB.length).toBeGreaterThan(0);
    expect([...bodies(billingA), ...bodies(billingB)].sort()).toEqual(['o0', 'o1', 'o2', 'o3', 'o4', 'o5']);
    expect(audit[2]?.message.headers).toEqual({ n: '2' });
    expect(broker.stats('orders', 'billing')).toMatchObject({ delivered: 6, acked: 6, ready: 0, inFlight: 0 });
    await broker.close();
  });

  it('does not keep topic messages nobody subscribed to, but keeps queue messages until a consumer comes', async () => {
    const broker = new InProcessBroker();
    broker.declare('events', 'topic');
    broker.declare('jobs', 'queue');
    broker.publish('events', { body: 'lost' });
    broker.publish('jobs', { body: 'kept' });
    expect(broker.unrouted('events')).toBe(1);
    expect(broker.stats('jobs')?.ready).toBe(1);

    const got: string[] = [];
    broker.subscribe('events', 'late', (d) => void got.push(d.message.body));
    broker.subscribe('jobs', 'ignored-for-queues', (d) => void got.push(d.message.body));
    await until('queued message', () => got.length === 1);
    expect(got).toEqual(['kept']);
    expect(() => broker.publish('nowhere', { body: 'x' })).toThrow('unknown destination "nowhere"');
    expect(() => broker.declare('jobs', 'topic')).toThrow('is a queue, not a topic');
    await broker.close();
  });

  it('holds a delivery until it is settled: a consumer with prefetch 1 gets the next message only after the ack', async () => {
    const broker = new InProcessBroker();
    broker.declare('jobs', 'queue');
    const held: BrokerDelivery[] = [];
    const release: Array<() => void> = [];
    broker.subscribe('jobs', 'jobs', (d) => {
      held.push(d);
      // Still running: only the explicit ack below frees the consumer's one prefetch slot.
      return new Promise<void>((resolve) => release.push(resolve));
    });
    broker.publish('jobs', { body: 'first' });
    broker.publish('jobs', { body: 'second' });
    await until('first delivery', () => held.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(held).toHaveLength(1);
    expect(broker.stats('jobs')).toMatchObject({ inFlight: 1, ready: 1 });

    held[0]!.ack();
    await until('second delivery', () => held.length === 2);
    expect(held[1]?.message.body).toBe('second');
    for (const done of release) done();
    await broker.close();
  });

  it('redelivers a nacked or failed message with a higher attempt number, then dead-letters it at the delivery limit', async () => {
    const broker = new InProcessBroker({ maxDeliveries: 3, redeliveryDelayMs: 5 });
    broker.declare('payments', 'topic');
    const attempts: Array<{ attempt: number; redelivered: boolean }> = [];
    broker.subscribe('payments', 'ledger', (d) => {
      attempts.push({ attempt: d.attempt, redelivered: d.redelivered });
      if (d.attempt === 1) return d.nack(true);
      throw new Error('ledger unavailable');
    });
    const dead: BrokerDelivery[] = [];
    const published = broker.publish('payments', { body: 'p1', headers: { 'causeway-event-id': 'evt-1' } });

    await until('dead letter queue', () => broker.stats('payments.ledger.dlq') !== undefined);
    broker.subscribe('payments.ledger.dlq', 'ops', (d) => void dead.push(d));
    await until('dead letter', () => dead.length === 1);

    expect(attempts).toEqual([
      { attempt: 1, redelivered: false },
      { attempt: 2, redelivered: true },
      { attempt: 3, redelivered: true },
    ]);
    expect(dead[0]?.message.id).toBe(published.id);
    expect(dead[0]?.message.headers).toMatchObject({
      'causeway-event-id': 'evt-1',
      [DEAD_LETTER_HEADERS.reason]: 'delivery-limit',
      [DEAD_LETTER_HEADERS.destination]: 'payments',
      [DEAD_LETTER_HEADERS.group]: 'ledger',
      [DEAD_LETTER_HEADERS.deliveries]: '3',
    });
    expect(broker.stats('payments', 'ledger')).toMatchObject({ delivered: 3, redelivered: 2, deadLettered: 1, acked: 0 });
    await broker.close();
  });

  it('dead-letters a rejected message at once, to <queue>.dlq for a queue', async () => {
    const broker = new InProcessBroker({ maxDeliveries: 5 });
    broker.declare('jobs', 'queue');
    let deliveries = 0;
    broker.subscribe('jobs', 'jobs', (d) => {
      deliveries++;
      d.reject();
    });
    broker.publish('jobs', { body: 'poison' });
    await until('dead letter', () => (broker.stats('jobs.dlq')?.ready ?? 0) === 1);
    expect(deliveries).toBe(1);
    expect(broker.stats('jobs')).toMatchObject({ deadLettered: 1, redelivered: 0 });
    await broker.close();
  });

  it('hands back the unsettled deliveries of a consumer that leaves, to another member of its group', async () => {
    const broker = new InProcessBroker({ redeliveryDelayMs: 1 });
    broker.declare('jobs', 'queue');
    const first: BrokerDelivery[] = [];
    const leaving = broker.subscribe('jobs', 'jobs', (d) => {
      first.push(d);
      return new Promise<void>(() => {}); // hangs: the consumer leaves before settling
    });
    broker.publish('jobs', { body: 'j1' });
    await until('first delivery', () => first.length === 1);
    const second: BrokerDelivery[] = [];
    broker.subscribe('jobs', 'jobs', (d) => void second.push(d));
    leaving.close();
    await until('redelivery to the other consumer', () => second.length === 1);
    expect(second[0]).toMatchObject({ attempt: 2, redelivered: true });
    first[0]!.ack(); // too late: ignored
    expect(broker.stats('jobs')).toMatchObject({ acked: 1, inFlight: 0 });
    const closing = Date.now();
    await broker.close(50); // the hung handler does not hold shutdown beyond the grace period
    expect(Date.now() - closing).toBeLessThan(1000);
  });

  it('makes a slow consumer lag: its group falls behind while a fast group keeps up', async () => {
    const broker = new InProcessBroker();
    broker.declare('inventory', 'topic');
    const fast: number[] = [];
    const slow: number[] = [];
    broker.subscribe('inventory', 'fast', () => void fast.push(Date.now()));
    broker.subscribe('inventory', 'slow', () => void slow.push(Date.now()), { latencyMs: 40 });
    const start = Date.now();
    for (let i = 0; i < 5; i++) broker.publish('inventory', { body: String(i) });

    await until('fast group', () => fast.length === 5);
    expect(slow.length).toBeLessThan(5);
    expect(broker.stats('inventory', 'slow')?.ready).toBeGreaterThan(0);
    await until('slow group', () => slow.length === 5);
    // One at a time (prefetch 1), each 40 ms on its way: the last arrives at least 5 × 40 ms later.
    expect(slow[4]! - start).toBeGreaterThanOrEqual(5 * 40 - 5);
    await broker.close();
  });

  it('bounds memory: a group queue at maxDepth drops its oldest messages and counts them', async () => {
    const broker = new InProcessBroker({ maxDepth: 3 });
    broker.declare('jobs', 'queue');
    for (let i = 0; i < 5; i++) broker.publish('jobs', { body: `j${i}` });
    expect(broker.stats('jobs')).toMatchObject({ ready: 3, dropped: 2 });
    const got: string[] = [];
    broker.subscribe('jobs', 'jobs', (d) => void got.push(d.message.body));
    await until('the kept messages', () => got.length === 3);
    expect(got).toEqual(['j2', 'j3', 'j4']);
    await broker.close();
  });

  it('stops delivering after close and refuses new messages', async () => {
    const broker = new InProcessBroker();
    broker.declare('jobs', 'queue');
    await broker.close();
    expect(() => broker.publish('jobs', { body: 'late' })).toThrow('broker is closed');
  });
});
