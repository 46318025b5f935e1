import { describe, expect, it } from 'vitest';
import { AlertEngine } from './engine.js';
import { RuleConflictError, RuleError } from './errors.js';
import { ruleFromBody } from './rules.js';
import { groupStatus, MemoryAlertStore, RecordingNotifier } from './testing/fakes.js';
import type { AlertEvent } from './types.js';

const S = 1_000;
const T0 = 1_700_000_000_000;
const HOOK = [{ url: 'http://127.0.0.1:9/hook' }];

async function setup(store = new MemoryAlertStore()) {
  const notifier = new RecordingNotifier();
  let clock = T0;
  let ids = 0;
  const engine = await AlertEngine.create({ store, notifier, now: () => clock, idFactory: () => `api-${++ids}` });
  return { engine, store, notifier, setClock: (ms: number) => (clock = ms) };
}

const resolvedEvents = (store: MemoryAlertStore) => [...store.events.values()].filter((event) => event.state === 'resolved');

describe('AlertEngine: rules through the API and the file', () => {
  it('creates, lists, replaces and deletes API rules, and refuses invalid ones', async () => {
    const { engine, store } = await setup();
    engine.setFileRules([ruleFromBody({ name: 'zeta', metric: 'status', threshold: 'STOP' }, 'file'), ruleFromBody({ name: 'alpha', metric: 'status', threshold: 'STALL' }, 'file')]);
    const created = await engine.upsertRule({ name: 'backlog', metric: 'lag_messages', threshold: 10 });
    expect(created).toMatchObject({ id: 'api-1', source: 'api' });
    await engine.upsertRule({ id: 'a-named', name: 'named', metric: 'lag_messages', threshold: 10 });
    expect(engine.listRules().map((rule) => rule.id)).toEqual(['file:alpha', 'file:zeta', 'a-named', 'api-1']);
    expect([...store.rules.keys()].sort()).toEqual(['a-named', 'api-1']);

    await engine.upsertRule({ id: 'api-1', name: 'backlog', metric: 'lag_messages', threshold: 99 });
    expect(engine.listRules().find((rule) => rule.id === 'api-1')?.threshold).toBe(99);
    expect(store.rules.get('api-1')?.threshold).toBe(99);

    await expect(engine.upsertRule({ name: 'bad', metric: 'status', threshold: 5 })).rejects.toThrow(RuleError);
    expect(await engine.deleteRule('file:alpha')).toBe('file-rule');
    expect(await engine.deleteRule('nope')).toBe('not-found');
    expect(await engine.deleteRule('api-1')).toBe('deleted');
    expect(engine.listRules().map((rule) => rule.id)).toEqual(['file:alpha', 'file:zeta', 'a-named']);
    expect([...store.rules.keys()]).toEqual(['a-named']);
  });

  it('refuses an API change to the id of a file rule', async () => {
    const { engine, store } = await setup();
    engine.setFileRules([{ ...ruleFromBody({ name: 'shared', metric: 'status', threshold: 'STOP' }, 'file'), id: 'shared' }]);
    await expect(engine.upsertRule({ id: 'shared', name: 'mine', metric: 'status', threshold: 'WARN' })).rejects.toThrow(RuleConflictError);
    expect(store.rules.size).toBe(0);
  });

  it('loads API rules from the store when it starts', async () => {
    const store = new MemoryAlertStore();
    await store.putAlertRule(ruleFromBody({ id: 'kept', name: 'kept', metric: 'lag_messages', threshold: 10 }, 'api'));
    const { engine } = await setup(store);
    expect(engine.listRules().map((rule) => rule.id)).toEqual(['kept']);
    expect(await engine.evaluate([groupStatus('g', { lag: 11 })], T0)).toMatchObject([{ ruleId: 'kept', state: 'firing' }]);
  });

  it('resolves the firing alerts of a deleted rule (notifying its webhooks) and drops its pending ones', async () => {
    const { engine, store, notifier, setClock } = await setup();
    await engine.upsertRule({ id: 'r', name: 'backlog', metric: 'lag_messages', threshold: 10, notify: HOOK });
    await engine.upsertRule({ id: 'slow', name: 'slow', metric: 'lag_messages', threshold: 10, for: '1h' });
    await engine.evaluate([groupStatus('g1', { lag: 50 }), groupStatus('g2', { lag: 50 })], T0);
    setClock(T0 + 5 * S);
    expect(await engine.deleteRule('r')).toBe('deleted');
    expect(await engine.deleteRule('slow')).toBe('deleted');
    expect(engine.active()).toEqual([]);
    expect(resolvedEvents(store).map((event) => [event.group, event.reason, event.at])).toEqual([
      ['g1', 'rule deleted', T0 + 5 * S],
      ['g2', 'rule deleted', T0 + 5 * S],
    ]);
    expect(notifier.sent.map(({ event, rule }) => `${event.group}:${event.state}:${rule.notify[0]?.url}`)).toEqual([
      'g1:firing:http://127.0.0.1:9/hook',
      'g2:firing:http://127.0.0.1:9/hook',
      'g1:resolved:http://127.0.0.1:9/hook',
      'g2:resolved:http://127.0.0.1:9/hook',
    ]);
  });

  it('resolves alerts of a disabled rule, and of a file rule removed from the file', async () => {
    const { engine, store } = await setup();
    engine.setFileRules([ruleFromBody({ name: 'file rule', metric: 'lag_messages', threshold: 10 }, 'file')]);
    await engine.upsertRule({ id: 'r', name: 'backlog', metric: 'lag_messages', threshold: 10 });
    await engine.evaluate([groupStatus('g1', { lag: 50 })], T0);
    await engine.upsertRule({ id: 'r', name: 'backlog', metric: 'lag_messages', threshold: 10, enabled: false });
    engine.setFileRules([]);
    await engine.close();
    expect(resolvedEvents(store).map((event) => `${event.ruleId}:${event.reason}`).sort()).toEqual(['file:file rule:rule deleted', 'r:rule disabled']);
    expect(await engine.evaluate([groupStatus('g1', { lag: 50 })], T0 + S)).toEqual([]);
  });

  it('keeps the state of alerts a changed rule still covers, and resolves those it no longer does', async () => {
    const { engine } = await setup();
    await engine.upsertRule({ id: 'r', name: 'backlog', metric: 'lag_messages', threshold: 100 });
    const groups = [groupStatus('orders-svc', { lag: 500 }), groupStatus('billing', { lag: 500 })];
    await engine.evaluate(groups, T0);
    await engine.upsertRule({ id: 'r', name: 'backlog (orders)', metric: 'lag_messages', threshold: 400, scope: { group: 'orders-*' } });
    const events = await engine.evaluate(groups, T0 + 10 * S);
    expect(events).toMatchObject([{ group: 'billing', state: 'resolved', reason: 'no longer in the scope of the rule' }]);
    expect(engine.active()).toMatchObject([{ group: 'orders-svc', state: 'firing', firedAt: T0, ruleName: 'backlog (orders)', threshold: 400 }]);
    // The new threshold's hysteresis applies: 80 % of 400.
    expect(await engine.evaluate([groupStatus('orders-svc', { lag: 321 })], T0 + 20 * S)).toEqual([]);
    expect(await engine.evaluate([groupStatus('orders-svc', { lag: 320 })], T0 + 30 * S)).toMatchObject([{ state: 'resolved' }]);
  });

  it('resolves alerts when a rule changes its metric', async () => {
    const { engine, store } = await setup();
    await engine.upsertRule({ id: 'r', name: 'r', metric: 'lag_messages', threshold: 10 });
    await engine.evaluate([groupStatus('g', { lag: 50, status: 'STOP' })], T0);
    await engine.upsertRule({ id: 'r', name: 'r', metric: 'status', threshold: 'STOP' });
    expect(resolvedEvents(store).map((event) => event.reason)).toEqual(['rule changed its metric']);
    expect(await engine.evaluate([groupStatus('g', { lag: 50, status: 'STOP' })], T0 + S)).toMatchObject([{ state: 'firing', value: 'STOP' }]);
  });
});

describe('AlertEngine: restart', () => {
  it('restores firing alerts from history without notifying them again, then resolves them normally', async () => {
    const first = await setup();
    await first.engine.upsertRule({ id: 'r', name: 'backlog', metric: 'lag_messages', threshold: 100, notify: HOOK });
    await first.engine.evaluate([groupStatus('still', { lag: 500 }), groupStatus('over', { lag: 500 }), groupStatus('quiet', { lag: 500 })], T0);
    await first.engine.evaluate([groupStatus('still', { lag: 500 }), groupStatus('quiet', { lag: 500 })], T0 + 10 * S);
    expect(resolvedEvents(first.store).map((event) => event.group)).toEqual(['over']);
    await first.engine.close();

    const second = await setup(first.store);
    expect(second.engine.active().map((alert) => [alert.group, alert.state, alert.firedAt]).sort()).toEqual([
      ['quiet', 'firing', T0],
      ['still', 'firing', T0],
    ]);
    const events: AlertEvent[] = await second.engine.evaluate([groupStatus('still', { lag: 500 }), groupStatus('quiet', { lag: 5 })], T0 + 20 * S);
    expect(events.map((event) => `${event.group}:${event.state}`)).toEqual(['quiet:resolved']);
    expect(second.notifier.sent.map(({ event }) => `${event.group}:${event.state}`)).toEqual(['quiet:resolved']);
    expect(second.engine.active().map((alert) => alert.group)).toEqual(['still']);
  });

  it('reads history beyond one page', async () => {
    const store = new MemoryAlertStore();
    const events: AlertEvent[] = [];
    for (let index = 0; index < 2_500; index++) {
      const alertId = `r|default|g${index}|orders`;
      const base = { alertId, ruleId: 'r', ruleName: 'r', metric: 'lag_messages' as const, cluster: 'default', group: `g${index}`, destination: 'orders', value: 5, threshold: 1, message: 'm', reason: '', silenced: false };
      events.push({ ...base, id: `${alertId}|firing|${T0}`, state: 'firing', at: T0 });
      if (index % 2 === 0) events.push({ ...base, id: `${alertId}|resolved|${T0 + index}`, state: 'resolved', at: T0 + index });
    }
    await store.putAlertEvents(events);
    const { engine } = await setup(store);
    expect(engine.active()).toHaveLength(1_250);
  });
});
