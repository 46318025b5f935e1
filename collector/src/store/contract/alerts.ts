/**
 * Contract: alert rules (read-your-writes: no `settle` between a rule write and its read) and
 * alert history (overwrite by id, filters, newest first then id, limit).
 */
import { describe, expect, it } from 'vitest';
import type { AlertEvent, AlertRule } from '../../alerts/types.js';
import { BASE_DAY, MINUTE, tag } from './records.js';
import type { ContractHarness } from './harness.js';
import { alertEvent, alertRule } from './lag-records.js';

async function rulesWithIds(h: ContractHarness, ids: string[]): Promise<AlertRule[]> {
  return (await h.store.listAlertRules()).filter((rule) => ids.includes(rule.id));
}

export function describeAlertContract(h: ContractHarness): void {
  describe('alert rules', () => {
    it('round-trip whole, listed by id, readable at once', async () => {
      const base = tag('rules');
      const full = alertRule({ id: `${base}-b` });
      const status = alertRule({
        id: `${base}-a`,
        name: 'Stopped consumers',
        metric: 'status',
        threshold: 'STOP',
        forMs: 0,
        scope: {},
        overrides: [{ cluster: 'eu-*', threshold: 'STALL' }],
        silences: [],
        notify: [],
        enabled: false,
      });
      const { resolveThreshold: _r, resolveForMs: _f, ...minimal } = alertRule({ id: `${base}-c`, metric: 'lag_seconds', threshold: 90.5 });
      await h.store.putAlertRule(full);
      await h.store.putAlertRule(status);
      await h.store.putAlertRule(minimal);
      expect(await rulesWithIds(h, [full.id, status.id, minimal.id])).toStrictEqual([status, full, minimal]);
    });

    it('a rule written again under the same id replaces the old one', async () => {
      const rule = alertRule();
      await h.store.putAlertRule(rule);
      const changed: AlertRule = { ...rule, threshold: 5, overrides: [], enabled: false };
      await h.store.putAlertRule(changed);
      expect(await rulesWithIds(h, [rule.id])).toStrictEqual([changed]);
    });

    it('delete returns true once, then false; the rule is gone at once', async () => {
      const [kept, removed] = [alertRule(), alertRule()];
      await h.store.putAlertRule(kept);
      await h.store.putAlertRule(removed);
      expect(await h.store.deleteAlertRule(removed.id)).toBe(true);
      expect(await rulesWithIds(h, [kept.id, removed.id])).toStrictEqual([kept]);
      expect(await h.store.deleteAlertRule(removed.id)).toBe(false);
      expect(await h.store.deleteAlertRule(tag('never-stored'))).toBe(false);
    });
  });

  describe('alert history', () => {
    it('round-trips events; writing one twice stores it once; a rewrite replaces it', async () => {
      const ruleId = tag('rule');
      const firing = alertEvent({ ruleId, at: BASE_DAY + MINUTE });
      const resolved = alertEvent({ ruleId, group: firing.group, state: 'resolved', at: BASE_DAY + 2 * MINUTE, value: 'OK', threshold: 'STOP', metric: 'status', silenced: true });
      await h.store.putAlertEvents([firing, resolved, firing]);
      await h.store.putAlertEvents([resolved]);
      await h.store.putAlertEvents([]);
      await h.settle();
      expect(await h.store.listAlertEvents({ ruleId, limit: 100 })).toStrictEqual([resolved, firing]);
      const changed: AlertEvent = { ...firing, message: 'rewritten', value: 99_999 };
      await h.store.putAlertEvents([changed]);
      await h.settle();
      expect(await h.store.listAlertEvents({ ruleId, limit: 100 })).toStrictEqual([resolved, changed]);
    });

    it('filters by rule, group and time (inclusive); newest first, then id; limit keeps the newest', async () => {
      const [ruleA, ruleB, group] = [tag('rule'), tag('rule'), tag('group')];
      const t = BASE_DAY + 30 * MINUTE;
      const events = [
        alertEvent({ ruleId: ruleA, group, at: t }),
        alertEvent({ ruleId: ruleA, group, destination: 'payments', at: t }),
        alertEvent({ ruleId: ruleA, group: tag('group'), at: t + 1000 }),
        alertEvent({ ruleId: ruleB, group, at: t + 2000, state: 'resolved' }),
        alertEvent({ ruleId: ruleB, group, at: t + 3000 }),
      ];
      await h.store.putAlertEvents(events);
      await h.settle();
      const newestFirst = (list: AlertEvent[]): AlertEvent[] => [...list].sort((a, b) => b.at - a.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      const [e0, e1, e2, e3, e4] = events as [AlertEvent, AlertEvent, AlertEvent, AlertEvent, AlertEvent];
      expect(await h.store.listAlertEvents({ ruleId: ruleA, limit: 10 })).toStrictEqual(newestFirst([e0, e1, e2]));
      expect(await h.store.listAlertEvents({ group, limit: 10 })).toStrictEqual(newestFirst([e0, e1, e3, e4]));
      expect(await h.store.listAlertEvents({ group, ruleId: ruleB, limit: 10 })).toStrictEqual([e4, e3]);
      expect(await h.store.listAlertEvents({ group, from: t + 2000, limit: 10 })).toStrictEqual([e4, e3]);
      expect(await h.store.listAlertEvents({ group, to: t + 2000, limit: 10 })).toStrictEqual(newestFirst([e0, e1, e3]));
      expect(await h.store.listAlertEvents({ group, from: t + 2000, to: t + 2000, limit: 10 })).toStrictEqual([e3]);
      expect(await h.store.listAlertEvents({ group, limit: 2 })).toStrictEqual([e4, e3]);
      expect(await h.store.listAlertEvents({ group, limit: 0 })).toEqual([]);
      expect(await h.store.listAlertEvents({ ruleId: tag('no-such-rule'), limit: 10 })).toEqual([]);
      // Without filters: the newest of everything, this test's newest among them.
      const latest = await h.store.listAlertEvents({ from: t, to: t + 3000, limit: 1000 });
      expect(latest.filter((event) => [ruleA, ruleB].includes(event.ruleId))).toStrictEqual(newestFirst(events));
    });
  });
}
