// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AlertRuleView, AlertsResponse, LagResponse, LagStatusResponse } from '../../api/schemas';
import { destinationLag, groupStatus, lagSeries, partitionStatus, T0 } from '../../model/lag-fixtures';
import { LagPage } from './LagPage';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const status: LagStatusResponse = {
  intervalMs: 10_000,
  sources: [
    { name: 'kafka:127.0.0.1:9092', system: 'kafka', up: true, error: null, lastPollAt: new Date(T0).toISOString(), lastPollMs: 35 },
    { name: 'rabbitmq:127.0.0.1:5672', system: 'rabbitmq', up: false, error: 'connection refused', lastPollAt: null, lastPollMs: null },
  ],
  groups: [
    groupStatus('billing'),
    groupStatus('audit', {
      status: 'STOP',
      reason: 'no commits for 95 s while 30 messages wait',
      lag: 30,
      destinations: [destinationLag('orders', { status: 'STOP', lag: 30 })],
      partitions: [
        partitionStatus('orders', 1, { status: 'STOP', reason: 'no commits for 95 s while 20 messages wait', lag: 20, lagSeconds: 95 }),
        partitionStatus('orders', 0, { status: 'WARN', reason: 'lag grows', lag: 10, lagSeconds: 12, noCommit: true }),
      ],
    }),
  ],
};

const lag: LagResponse = {
  from: new Date(T0).toISOString(),
  to: new Date(T0 + 60_000).toISOString(),
  resolutionMs: 0,
  series: [lagSeries('orders', 0, [[0, 2, 'OK'], [10, 10, 'WARN']], { group: 'audit' }), lagSeries('orders', 1, [[0, 5], [10, 20, 'STOP']], { group: 'audit' })],
  queueTime: [],
  truncated: false,
};

const alerts: AlertsResponse = {
  active: [
    {
      id: 'a1', ruleId: 'file:stopped', ruleName: 'stopped', metric: 'status', cluster: 'default', group: 'audit', destination: 'orders',
      value: 'STOP', threshold: 'STOP', message: 'audit on orders: STOP', reason: 'no commits for 95 s', silenced: false,
      state: 'firing', since: new Date(T0).toISOString(), firedAt: new Date(T0 + 30_000).toISOString(),
    },
  ],
  history: [
    { id: 'e1', alertId: 'x', ruleId: 'r', ruleName: 'behind', metric: 'lag_messages', cluster: 'default', group: 'billing', destination: 'orders', value: 10, threshold: 100, message: 'billing resolved', reason: '', silenced: false, state: 'resolved', at: new Date(T0 - 60_000).toISOString() },
    { id: 'e2', alertId: 'a1', ruleId: 'file:stopped', ruleName: 'stopped', metric: 'status', cluster: 'default', group: 'audit', destination: 'orders', value: 'STOP', threshold: 'STOP', message: 'audit on orders: STOP', reason: '', silenced: true, state: 'firing', at: new Date(T0 + 30_000).toISOString() },
  ],
};

const rule = (id: string, source: 'file' | 'api'): AlertRuleView => ({
  id, name: `rule ${id}`, source, metric: 'lag_seconds', threshold: 300, resolveThreshold: null, for: '1m', resolveFor: null,
  scope: {}, overrides: [], silences: [], notify: [], enabled: true,
});

/** Answers like the collector would, per path; returns the calls made. */
function collector(answers: Record<string, () => Response>) {
  const fetchMock = vi.fn(async (url: string, init?: RequestInit) => {
    const path = url.split('?')[0] ?? url;
    const key = `${init?.method ?? 'GET'} ${path}`;
    const handler = answers[key];
    return handler ? handler() : new Response(JSON.stringify({ error: 'not found' }), { status: 404 });
  });
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}
const json = (body: unknown, status = 200) => () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

function renderAt(url: string) {
  return render(
    <MemoryRouter initialEntries={[url]}>
      <LagPage />
    </MemoryRouter>,
  );
}

describe('LagPage', () => {
  it('shows sources, groups, the selected group’s charts and partitions, alerts and rules', async () => {
    let rules = [rule('file:slow', 'file'), rule('api-7', 'api')];
    const fetchMock = collector({
      'GET /api/lag/status': json(status),
      'GET /api/lag': json(lag),
      'GET /api/alerts': json(alerts),
      'GET /api/alerts/rules': () => json({ rules })(),
      'DELETE /api/alerts/rules/api-7': () => {
        rules = rules.filter((r) => r.id !== 'api-7');
        return new Response(null, { status: 204 });
      },
    });
    renderAt('/lag?group=audit&range=15m&refresh=off');

    const groupRows = await screen.findAllByTestId('lag-group-row');
    expect(groupRows.map((row) => row.dataset.group)).toEqual(['audit', 'billing']);
    expect(screen.getByText('connection refused')).toBeTruthy();

    // The detail loads the group's series over the page's range.
    await screen.findByTestId('lag-chart-messages');
    expect(screen.getByTestId('lag-chart-seconds')).toBeTruthy();
    const lagCall = fetchMock.mock.calls.find(([url]) => url.startsWith('/api/lag?'));
    expect(new URLSearchParams(lagCall?.[0].split('?')[1]).get('group')).toBe('audit');
    expect(screen.getByTestId('lag-status-strip').querySelector('[role="img"]')?.getAttribute('aria-label')).toMatch(/^Status over time: OK [^,]+, STOP [^,]+\.$/);
    const partitionRows = screen.getAllByTestId('lag-partition-row');
    expect(partitionRows.map((row) => [row.dataset.partition, row.dataset.status])).toEqual([
      ['0', 'WARN'],
      ['1', 'STOP'],
    ]);
    expect(within(partitionRows[0] as HTMLElement).getByText(/never committed/)).toBeTruthy();

    const active = await screen.findByTestId('alerts-active');
    expect(within(active).getAllByTestId('alert-row').map((row) => row.dataset.state)).toEqual(['firing']);
    const history = within(screen.getByTestId('alerts-history')).getAllByTestId('alert-row');
    expect(history.map((row) => row.dataset.state)).toEqual(['firing', 'resolved']);

    const ruleRows = await screen.findAllByTestId('rule-row');
    expect(ruleRows.map((row) => row.dataset.ruleId)).toEqual(['file:slow', 'api-7']);
    expect(within(ruleRows[0] as HTMLElement).getByText('file (read-only)')).toBeTruthy();
    expect(within(ruleRows[0] as HTMLElement).queryByRole('button')).toBeNull();
    fireEvent.click(within(ruleRows[1] as HTMLElement).getByRole('button', { name: 'Delete rule rule api-7' }));
    expect(fetchMock.mock.calls.some(([, init]) => init?.method === 'DELETE')).toBe(false);
    fireEvent.click(within(ruleRows[1] as HTMLElement).getByRole('button', { name: 'Yes, delete' }));
    await waitFor(() => expect(screen.getAllByTestId('rule-row').map((row) => row.dataset.ruleId)).toEqual(['file:slow']));
  });

  it('says how to get consumer groups when there are none', async () => {
    collector({
      'GET /api/lag/status': json({ intervalMs: 10_000, sources: [], groups: [] }),
      'GET /api/alerts': json({ active: [], history: [] }),
      'GET /api/alerts/rules': json({ rules: [] }),
    });
    renderAt('/lag');
    expect(await screen.findByText('No consumer groups yet: start the collector with --kafka / --rabbitmq, or --demo.')).toBeTruthy();
    expect(screen.queryByTestId('lag-chart-messages')).toBeNull();
  });

  it('shows an error the reader can act on when the collector refuses', async () => {
    collector({
      'GET /api/lag/status': json({ error: 'unavailable', message: 'the lag monitor is not running' }, 503),
      'GET /api/alerts': json({ active: [], history: [] }),
      'GET /api/alerts/rules': json({ rules: [] }),
    });
    renderAt('/lag');
    expect((await screen.findByText('Could not load consumer lag.')).closest('[role="alert"]')?.textContent).toContain('the lag monitor is not running (HTTP 503)');
  });
});
