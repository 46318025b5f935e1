import { describe, expect, it } from 'vitest';
import { destinationLag, groupStatus } from './lag-fixtures';
import { sortGroupsBySeverity, visibleGroups } from './lag-groups';

describe('sortGroupsBySeverity', () => {
  it('puts the worst status first, then the most lag, then names', () => {
    const groups = [
      groupStatus('a-ok', { status: 'OK', lag: 9_000 }),
      groupStatus('warn', { status: 'WARN', lag: 10 }),
      groupStatus('stop-small', { status: 'STOP', lag: 5 }),
      groupStatus('rewind', { status: 'REWIND' }),
      groupStatus('stop-big', { status: 'STOP', lag: 50 }),
      groupStatus('stall', { status: 'STALL' }),
      groupStatus('b-ok', { status: 'OK', lag: 9_000 }),
    ];
    expect(sortGroupsBySeverity(groups).map((g) => g.group)).toEqual(['stop-big', 'stop-small', 'stall', 'rewind', 'warn', 'a-ok', 'b-ok']);
  });
});

describe('visibleGroups', () => {
  const groups = [
    groupStatus('billing', { status: 'OK', destinations: [destinationLag('orders')] }),
    groupStatus('mailer', { status: 'STOP', lag: 3, destinations: [destinationLag('mail-out')] }),
    groupStatus('audit', { status: 'WARN', lag: 9, destinations: [destinationLag('Orders-Archive')] }),
  ];

  it('filters by group or destination name, case-insensitively, worst first', () => {
    expect(visibleGroups(groups, { text: ' ORDERS', problemsOnly: false }).rows.map((g) => g.group)).toEqual(['audit', 'billing']);
    expect(visibleGroups(groups, { text: 'mail', problemsOnly: false }).rows.map((g) => g.group)).toEqual(['mailer']);
  });

  it('keeps only problems when asked', () => {
    expect(visibleGroups(groups, { text: '', problemsOnly: true }).rows.map((g) => g.group)).toEqual(['mailer', 'audit']);
  });

  it('cuts to the row limit and says how many matched', () => {
    const many = Array.from({ length: 250 }, (_, i) => groupStatus(`g${i}`));
    const visible = visibleGroups(many, { text: '', problemsOnly: false }, 200);
    expect([visible.rows.length, visible.matching]).toEqual([200, 250]);
  });
});
