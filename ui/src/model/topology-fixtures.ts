/** A `/api/topology` answer for the UI's tests: one producer edge, one consumer edge with errors, one edge to an unknown node. */
import type { Topology } from '../api/schemas';

export const HOUR = 3_600_000;

export const sampleTopology: Topology = {
  from: '2025-01-15T10:00:00.000Z',
  to: '2025-01-15T11:00:00.000Z',
  nodes: [
    { id: 'service:orders', kind: 'service', name: 'orders' },
    { id: 'destination:orders', kind: 'destination', name: 'orders' },
    { id: 'service:payments', kind: 'service', name: 'payments' },
  ],
  edges: [
    { from: 'service:orders', to: 'destination:orders', count: 7200, errors: 0, p50Ms: 2, p99Ms: 9.5 },
    { from: 'destination:orders', to: 'service:payments', group: 'payments', count: 120, errors: 6, p50Ms: 40, p99Ms: 1530 },
    { from: 'destination:orders', to: 'service:ghost', count: 1, errors: 0, p50Ms: 1, p99Ms: 1 },
  ],
};
