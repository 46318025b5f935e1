// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AlertRuleView } from '../../api/schemas';
import { RuleForm } from './RuleForm';

// The collector is not running in a UI unit test: `fetch` answers as it would.
function answer(status: number, body: unknown) {
  const fetchMock = vi.fn(async (_url: string, _init?: RequestInit) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }));
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const created: AlertRuleView = {
  id: 'api-1',
  name: 'Billing behind',
  source: 'api',
  metric: 'lag_messages',
  threshold: 1000,
  resolveThreshold: null,
  for: '2m',
  resolveFor: null,
  scope: { group: 'billing-*' },
  overrides: [],
  silences: [],
  notify: [{ url: 'http://127.0.0.1:9000/hook', format: 'slack' }],
  enabled: true,
};

const type = (label: string, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });

describe('RuleForm', () => {
  it('posts the rule the fields describe and hands back the created rule', async () => {
    const fetchMock = answer(201, created);
    const onCreated = vi.fn();
    render(<RuleForm onCreated={onCreated} />);
    type('Name', 'Billing behind');
    type('Threshold (messages)', '1000');
    type('Holds for', '2m');
    type('Group', 'billing-*');
    type('Webhook URL', 'http://127.0.0.1:9000/hook');
    type('Webhook format', 'slack');
    fireEvent.submit(screen.getByTestId('rule-form'));

    await waitFor(() => expect(onCreated).toHaveBeenCalledWith(created));
    const [url, init] = fetchMock.mock.calls[0] ?? [];
    expect(url).toBe('/api/alerts/rules');
    expect(init?.method).toBe('POST');
    expect(JSON.parse(String(init?.body))).toEqual({
      name: 'Billing behind',
      metric: 'lag_messages',
      threshold: 1000,
      for: '2m',
      scope: { group: 'billing-*' },
      notify: [{ url: 'http://127.0.0.1:9000/hook', format: 'slack' }],
    });
    expect((screen.getByLabelText('Name') as HTMLInputElement).value).toBe('');
  });

  it('offers a status select for a status rule', async () => {
    const fetchMock = answer(201, { ...created, metric: 'status', threshold: 'STALL' });
    render(<RuleForm onCreated={vi.fn()} />);
    type('Name', 'stalled');
    type('Metric', 'status');
    expect(screen.queryByLabelText('Threshold (messages)')).toBeNull();
    type('Status at or worse than', 'STALL');
    fireEvent.click(screen.getByRole('button', { name: 'Add rule' }));
    await waitFor(() => expect(fetchMock).toHaveBeenCalled());
    expect(JSON.parse(String(fetchMock.mock.calls[0]?.[1]?.body))).toMatchObject({ metric: 'status', threshold: 'STALL', for: '1m' });
  });

  it('shows the collector’s 400 sentence and keeps what was typed', async () => {
    answer(400, { error: 'bad request', message: 'durations look like 500ms, 30s, 5m, 1h or 1d' });
    const onCreated = vi.fn();
    render(<RuleForm onCreated={onCreated} />);
    type('Name', 'Billing behind');
    type('Threshold (messages)', '10');
    type('Holds for', 'two minutes');
    fireEvent.submit(screen.getByTestId('rule-form'));
    expect((await screen.findByRole('alert')).textContent).toBe('durations look like 500ms, 30s, 5m, 1h or 1d (HTTP 400)');
    expect(onCreated).not.toHaveBeenCalled();
    expect((screen.getByLabelText('Holds for') as HTMLInputElement).value).toBe('two minutes');
  });

  it('does not post a rule without a name', () => {
    const fetchMock = answer(201, created);
    render(<RuleForm onCreated={vi.fn()} />);
    type('Threshold (messages)', '10');
    fireEvent.submit(screen.getByTestId('rule-form'));
    expect(screen.getByRole('alert').textContent).toBe('Give the rule a name.');
    expect(fetchMock).not.toHaveBeenCalled();
  });
});
