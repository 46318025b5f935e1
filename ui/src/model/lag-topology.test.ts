import { describe, expect, it } from 'vitest';
import type { TopologyEdge } from '../api/schemas';
import { destinationLag, groupStatus } from './lag-fixtures';
import { lagByEdge, matchEdgeLag } from './lag-topology';

const billing = groupStatus('billing', {
  status: 'STOP',
  destinations: [
    destinationLag('orders', { status: 'STOP', reason: 'no commits for 95 s while 1,204 messages wait', lag: 1204, lagSeconds: 45 }),
    destinationLag('refunds', { lag: 3, lagSeconds: null }),
  ],
});
const mailer = groupStatus('mailer', { system: 'rabbitmq', destinations: [destinationLag('mail-out', { lag: 12, lagSeconds: 252 })] });

describe('matchEdgeLag', () => {
  it('matches the same group on the same destination and labels it', () => {
    expect(matchEdgeLag('billing', 'orders', [billing, mailer])).toMatchObject({ destination: 'orders', status: 'STOP', lag: 1204, label: 'lag 1,204 · 45 s', messagesLabel: 'lag 1,204', ageLabel: '45 s' });
    expect(matchEdgeLag('billing', 'refunds', [billing])).toMatchObject({ label: 'lag 3', messagesLabel: 'lag 3', ageLabel: null });
  });

  it('matches a RabbitMQ span destination that ends with the queue name', () => {
    expect(matchEdgeLag('mailer', 'notifications:mail.send:mail-out', [billing, mailer])?.label).toBe('lag 12 · 4 m 12 s');
  });

  it('falls back to the group alone when it reads exactly one destination', () => {
    expect(matchEdgeLag('mailer', 'notifications', [mailer])?.destination).toBe('mail-out');
  });

  it('does not guess between several destinations, nor across groups', () => {
    expect(matchEdgeLag('billing', 'invoices', [billing])).toBeNull();
    expect(matchEdgeLag('shipping', 'orders', [billing, mailer])).toBeNull();
    // A name that merely ends the same way is not the queue.
    expect(matchEdgeLag('billing', 'pre-orders', [billing])).toBeNull();
  });
});

describe('lagByEdge', () => {
  const edge = (id: string, role: 'produce' | 'consume', source: string, topologyEdge: Partial<TopologyEdge>) => ({
    id,
    role,
    source,
    edge: { from: source, to: 'x', count: 1, errors: 0, p50Ms: 1, p99Ms: 1, ...topologyEdge },
  });
  const names = new Map([
    ['destination:orders', 'orders'],
    ['service:shop', 'shop'],
  ]);

  it('annotates consumer edges with a group and a matching status only', () => {
    const result = lagByEdge(
      [
        edge('consume-billing', 'consume', 'destination:orders', { group: 'billing' }),
        edge('consume-no-group', 'consume', 'destination:orders', {}),
        edge('produce', 'produce', 'service:shop', { group: 'billing' }),
        edge('consume-unknown', 'consume', 'destination:orders', { group: 'shipping' }),
      ],
      (id) => names.get(id),
      [billing, mailer],
    );
    expect([...result.keys()]).toEqual(['consume-billing']);
    expect(result.get('consume-billing')?.status).toBe('STOP');
  });
});
