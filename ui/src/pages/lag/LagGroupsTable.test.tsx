// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { destinationLag, groupStatus } from '../../model/lag-fixtures';
import { LagGroupsTable } from './LagGroupsTable';

afterEach(cleanup);

const groups = [
  groupStatus('billing', { status: 'OK', reason: 'consumer keeps up', lag: 2, lagSeconds: 0.4 }),
  groupStatus('mailer', {
    system: 'rabbitmq',
    status: 'STOP',
    reason: 'no acks for 95 s while 1,204 messages wait',
    members: 0,
    lag: 1204,
    lagSeconds: 252,
    drainSeconds: null,
    destinations: [destinationLag('mail-out')],
  }),
  groupStatus('audit', { status: 'WARN', reason: 'lag grew in 9 of the last 10 polls', lag: 40_000, lagSeconds: 45, drainSeconds: 95 }),
];

const rows = () => screen.getAllByTestId('lag-group-row');

describe('LagGroupsTable', () => {
  it('lists groups worst first with status, reason and human numbers', () => {
    render(<LagGroupsTable groups={groups} selectedGroup={null} onSelect={vi.fn()} />);
    expect(rows().map((row) => [row.dataset.group, row.dataset.status])).toEqual([
      ['mailer', 'STOP'],
      ['audit', 'WARN'],
      ['billing', 'OK'],
    ]);
    const [mailer, audit] = rows();
    if (!mailer || !audit) throw new Error('rows missing');
    expect(within(mailer).getByTestId('lag-status').textContent).toBe('■STOP');
    expect(within(mailer).getByText('no acks for 95 s while 1,204 messages wait')).toBeTruthy();
    expect(within(mailer).getByText('1,204')).toBeTruthy();
    expect(within(mailer).getByText('4 m 12 s')).toBeTruthy();
    expect(within(mailer).getByText('not draining')).toBeTruthy();
    expect(within(mailer).getByText('no members')).toBeTruthy();
    expect(within(audit).getByText('40,000')).toBeTruthy();
    expect(within(audit).getByText('1 m 35 s')).toBeTruthy();
  });

  it('selects a group by click and by Enter, and marks the selected row', () => {
    const onSelect = vi.fn();
    render(<LagGroupsTable groups={groups} selectedGroup="audit" onSelect={onSelect} />);
    const [mailer, audit, billing] = rows();
    if (!mailer || !audit || !billing) throw new Error('rows missing');
    expect(audit.getAttribute('aria-selected')).toBe('true');
    expect(mailer.getAttribute('aria-selected')).toBe('false');
    fireEvent.click(within(mailer).getByText('mail-out'));
    fireEvent.keyDown(billing, { key: 'Enter' });
    fireEvent.keyDown(billing, { key: 'a' });
    expect(onSelect.mock.calls).toEqual([['mailer'], ['billing']]);
  });

  it('narrows to problems and by name, saying how many match', () => {
    render(<LagGroupsTable groups={groups} selectedGroup={null} onSelect={vi.fn()} />);
    fireEvent.click(screen.getByLabelText('Only groups that are not OK'));
    expect(rows().map((row) => row.dataset.group)).toEqual(['mailer', 'audit']);
    fireEvent.change(screen.getByLabelText('Filter'), { target: { value: 'MAIL' } });
    expect(rows().map((row) => row.dataset.group)).toEqual(['mailer']);
    expect(screen.getByText('1 of 3 groups')).toBeTruthy();
  });
});
