/** Which queue names a lag source's `queues` patterns select. */
import { describe, expect, it } from 'vitest';
import { QueueFilter } from './queue-filter.js';

describe('QueueFilter', () => {
  it('selects every queue but the server-named amq.* ones when no pattern is given', () => {
    const filter = new QueueFilter();
    expect(filter.matches('orders')).toBe(true);
    expect(filter.matches('amq.gen-Xy12')).toBe(false);
    expect(filter.exactNames).toEqual([]);
    expect(new QueueFilter(['', '  ']).matches('orders')).toBe(true);
  });

  it('matches exact names and globs, where only * and ? are special', () => {
    const filter = new QueueFilter(['shop.orders', 'billing.*', 'job-?', 'a+b(c)[d]^$|{e}\\f']);
    expect(filter.exactNames).toEqual(['shop.orders', 'a+b(c)[d]^$|{e}\\f']);
    expect(filter.matches('shop.orders')).toBe(true);
    expect(filter.matches('shopXorders')).toBe(false);
    expect(filter.matches('billing.invoices/eu')).toBe(true);
    expect(filter.matches('billing')).toBe(false);
    expect(filter.matches('job-1')).toBe(true);
    expect(filter.matches('job-12')).toBe(false);
    expect(filter.matches('a+b(c)[d]^$|{e}\\f')).toBe(true);
    expect(filter.matches('other')).toBe(false);
  });

  it('lets a pattern that starts with amq. select server-named queues, and no other', () => {
    expect(new QueueFilter(['*']).matches('amq.gen-1')).toBe(false);
    expect(new QueueFilter(['amq.gen-*']).matches('amq.gen-1')).toBe(true);
  });
});
