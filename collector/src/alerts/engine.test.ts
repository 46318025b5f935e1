import { describe, expect, it } from 'vitest';
import { AlertEngine } from './engine.js';
import { ruleFromBody } from './rules.js';
import { groupStatus, MemoryAlertStore, RecordingNotifier } from './testing/fakes.js';
import type { AlertEvent } from './types.js';

const S = 1_000;
const T0 = 1_700_000_000_000;

async function engineWith(...bodies: object[]) {
  const store = new MemoryAlertStore();
  const notifier = new RecordingNotifier();
  const warnings: object[] = [];
  const engine = await AlertEngine.create({ store, notifier, log: { info: () => {}, warn: (o) => warnings.push(o) } });
  engine.setFileRules(bodies.map((body) => ruleFromBody(body, 'file')));
  return { engine, store, notifier, warnings };
}

const states = (events: AlertEvent[]) => events.map((event) => `${event.group}:${event.state}`);

describe('AlertEngine: for', () => {
  it('keeps an alert pending until the condition held for `for`, then fires once', async () => {
    const { engine, store, notifier } = await engineWith({ name: 'backlog', metric: 'lag_messages', threshold: 1000, for: '1m', notify: [{ url: 'http://127.0.0.1:9/x' }] });
    expect(await engine.evaluate([groupStatus('g1', { lag: 1500 })], T0)).toEqual([]);
    expect(engine.active()).toMatchObject([{ state: 'pending', since: T0, group: 'g1', destination: 'orders', value: 1500, threshold: 1000 }]);
    expect(engine.active()[0]?.message).toBe('g1 on orders: 1,500 messages behind (threshold 1,000) for 0s; fires after 1m');
    expect(await engine.evaluate([groupStatus('g1', { lag: 1600 })], T0 + 30 * S)).toEqual([]);

    const [fired, ...more] = await engine.evaluate([groupStatus('g1', { lag: 1_204 })], T0 + 60 * S);
    expect(more).toEqual([]);
    expect(fired).toMatchObject({
      id: `file:backlog|default|g1|orders|firing|${T0 + 60 * S}`,
      alertId: 'file:backlog|default|g1|orders',
      ruleName: 'backlog',
      metric: 'lag_messages',
      state: 'firing',
      at: T0 + 60 * S,
      value: 1204,
      threshold: 1000,
      message: 'g1 on orders: 1,204 messages behind (threshold 1,000) for 1m',
      reason: 'reason of g1',
      silenced: false,
    });
    expect(engine.active()).toMatchObject([{ state: 'firing', since: T0, firedAt: T0 + 60 * S }]);
    expect(notifier.sent.map(({ event, rule }) => [event.id, rule.id])).toEqual([[fired!.id, 'file:backlog']]);
    expect([...store.events.keys()]).toEqual([fired!.id]);
    expect(await engine.evaluate([groupStatus('g1', { lag: 2000 })], T0 + 90 * S)).toEqual([]);
  });

  it('drops a pending alert without events when the condition stops holding, and starts over', async () => {
    const { engine, store } = await engineWith({ name: 'backlog', metric: 'lag_messages', threshold: 1000, for: '1m' });
    await engine.evaluate([groupStatus('g1', { lag: 1500 })], T0);
    await engine.evaluate([groupStatus('g1', { lag: 1000 })], T0 + 30 * S);
    expect(engine.active()).toEqual([]);
    expect(await engine.evaluate([groupStatus('g1', { lag: 1500 })], T0 + 60 * S)).toEqual([]);
    expect(await engine.evaluate([groupStatus('g1', { lag: 1500 })], T0 + 100 * S)).toEqual([]);
    expect(states(await engine.evaluate([groupStatus('g1', { lag: 1500 })], T0 + 120 * S))).toEqual(['g1:firing']);
    expect(store.events.size).toBe(1);
  });

  it('fires at the first evaluation when `for` is 0', async () => {
    const { engine } = await engineWith({ name: 'now', metric: 'lag_messages', threshold: 10 });
    expect(states(await engine.evaluate([groupStatus('g1', { lag: 11 }), groupStatus('g2', { lag: 10 })], T0))).toEqual(['g1:firing']);
  });
});

describe('AlertEngine: hysteresis', () => {
  it('does not flap while the value moves between the resolve threshold and the threshold', async () => {
    const { engine, store } = await engineWith({ name: 'backlog', metric: 'lag_messages', threshold: 1000 });
    const all: AlertEvent[] = [];
    const values = [1200, 950, 1050, 900, 990, 1001, 810, 999];
    for (const [index, lag] of values.entries()) all.push(...(await engine.evaluate([groupStatus('g1', { lag })], T0 + index * 10 * S)));
    expect(states(all)).toEqual(['g1:firing']);
    expect(engine.active()).toMatchObject([{ state: 'firing', value: 999 }]);

    const [resolved] = await engine.evaluate([groupStatus('g1', { lag: 800 })], T0 + 100 * S);
    expect(resolved).toMatchObject({ state: 'resolved', value: 800, threshold: 1000, message: 'g1 on orders: recovered, 800 messages behind (resolves at 800 or less) after firing for 1m40s' });
    expect(engine.active()).toEqual([]);
    expect(store.events.size).toBe(2);
  });

  it('resolves only after the resolve condition held for resolveFor, restarting when it breaks', async () => {
    const { engine } = await engineWith({ name: 'backlog', metric: 'lag_messages', threshold: 1000, resolveThreshold: 500, resolveFor: '1m' });
    await engine.evaluate([groupStatus('g1', { lag: 2000 })], T0);
    const sequence: Array<[number, number]> = [[10, 400], [40, 450], [50, 700], [60, 300], [100, 200]];
    for (const [seconds, lag] of sequence) expect(await engine.evaluate([groupStatus('g1', { lag })], T0 + seconds * S)).toEqual([]);
    expect(states(await engine.evaluate([groupStatus('g1', { lag: 100 })], T0 + 120 * S))).toEqual(['g1:resolved']);
  });

  it('resolves status rules once the status is better than the threshold', async () => {
    const { engine } = await engineWith({ name: 'stopped', metric: 'status', threshold: 'STALL', for: '30s', resolveFor: '0s' });
    const run = async (seconds: number, status: 'OK' | 'WARN' | 'REWIND' | 'STALL' | 'STOP') =>
      states(await engine.evaluate([groupStatus('g1', { status, lag: 5, reason: `${status} because` })], T0 + seconds * S));
    expect(await run(0, 'WARN')).toEqual([]);
    expect(await run(10, 'STALL')).toEqual([]);
    expect(await run(30, 'STOP')).toEqual([]);
    const fired = await engine.evaluate([groupStatus('g1', { status: 'STOP', lag: 5, reason: 'no commits for 40 s while 5 messages wait' })], T0 + 40 * S);
    expect(fired).toMatchObject([{ state: 'firing', value: 'STOP', threshold: 'STALL', reason: 'no commits for 40 s while 5 messages wait', message: 'g1 on orders: status STOP (threshold STALL) for 30s' }]);
    expect(await run(50, 'STALL')).toEqual([]);
    const [resolved] = await engine.evaluate([groupStatus('g1', { status: 'REWIND', reason: 'offset went back' })], T0 + 60 * S);
    expect(resolved).toMatchObject({ state: 'resolved', value: 'REWIND', reason: 'offset went back', message: 'g1 on orders: recovered, status REWIND (better than STALL) after firing for 20s' });
  });

  it('keeps state when lag in seconds is unknown: neither raised, advanced nor resolved', async () => {
    const { engine } = await engineWith({ name: 'old', metric: 'lag_seconds', threshold: 60, for: '30s', resolveFor: '0s' });
    await engine.evaluate([groupStatus('g1', { lagSeconds: 90 }), groupStatus('g2', { lagSeconds: 90 })], T0);
    expect(states(await engine.evaluate([groupStatus('g1', { lagSeconds: 95 }), groupStatus('g2', {})], T0 + 30 * S))).toEqual(['g1:firing']);
    expect(engine.active().map((alert) => `${alert.group}:${alert.state}`)).toEqual(['g1:firing', 'g2:pending']);
    expect(await engine.evaluate([groupStatus('g1', {}), groupStatus('g2', {})], T0 + 60 * S)).toEqual([]);
    expect(engine.active().map((alert) => `${alert.group}:${alert.state}`)).toEqual(['g1:firing', 'g2:pending']);
    const events = await engine.evaluate([groupStatus('g1', { lagSeconds: 10 }), groupStatus('g2', { lagSeconds: 61.25 })], T0 + 90 * S);
    expect(events.map((event) => [event.group, event.state, event.message])).toEqual([
      ['g1', 'resolved', 'g1 on orders: recovered, 10 s behind (resolves at 48 s or less) after firing for 1m'],
      ['g2', 'firing', 'g2 on orders: 61.3 s behind (threshold 60 s) for 1m30s'],
    ]);
  });
});

describe('AlertEngine: scope, overrides and silences', () => {
  it('applies scope globs, the first matching override, and disabled overrides', async () => {
    const { engine } = await engineWith({
      name: 'backlog',
      metric: 'lag_messages',
      threshold: 100,
      scope: { destination: 'orders*', cluster: 'eu-*' },
      overrides: [{ group: 'batch-*', threshold: 10_000 }, { group: 'batch-*', disabled: true }, { group: 'replay-?', disabled: true }, { group: 'slow', for: '1m' }],
    });
    const groups = [
      groupStatus('web', [{ destination: 'orders', lag: 500 }, { destination: 'payments', lag: 500 }], 'eu-1'),
      groupStatus('batch-nightly', { destination: 'orders-eu', lag: 5_000 }, 'eu-1'),
      groupStatus('replay-1', { lag: 500 }, 'eu-1'),
      groupStatus('replay-12', { lag: 500 }, 'eu-1'),
      groupStatus('slow', { lag: 500 }, 'eu-1'),
      groupStatus('web', { lag: 500 }, 'us-1'),
    ];
    expect((await engine.evaluate(groups, T0)).map((event) => `${event.group}/${event.destination}`)).toEqual(['web/orders', 'replay-12/orders']);
    expect(engine.active().filter((alert) => alert.state === 'pending').map((alert) => alert.group)).toEqual(['slow']);
    groups[1] = groupStatus('batch-nightly', { destination: 'orders-eu', lag: 10_001 }, 'eu-1');
    const later = await engine.evaluate(groups, T0 + 60 * S);
    expect(later.map((event) => [event.group, event.threshold])).toEqual([['batch-nightly', 10_000], ['slow', 100]]);
  });

  it('records events under a silence as silenced and notifies nobody until it ends', async () => {
    const until = new Date(T0 + 100 * S).toISOString();
    const { engine, store, notifier } = await engineWith({
      name: 'backlog',
      metric: 'lag_messages',
      threshold: 10,
      silences: [{ group: 'billing-*', until, reason: 'migration' }],
      notify: [{ url: 'http://127.0.0.1:9/x' }],
    });
    const fired = await engine.evaluate([groupStatus('billing-api', { lag: 50 }), groupStatus('web', { lag: 50 })], T0);
    expect(fired.map((event) => [event.group, event.silenced])).toEqual([['billing-api', true], ['web', false]]);
    expect(engine.active().map((alert) => [alert.group, alert.silenced])).toEqual([['billing-api', true], ['web', false]]);
    expect(notifier.sent.map(({ event }) => event.group)).toEqual(['web']);

    // The silence ended, but nobody heard it fire: its resolution stays silent too.
    const resolved = await engine.evaluate([groupStatus('billing-api', { lag: 0 }), groupStatus('web', { lag: 0 })], T0 + 200 * S);
    expect(resolved.map((event) => [event.group, event.state, event.silenced])).toEqual([['billing-api', 'resolved', true], ['web', 'resolved', false]]);
    expect(notifier.sent.map(({ event }) => `${event.group}:${event.state}`)).toEqual(['web:firing', 'web:resolved']);
    expect([...store.events.values()].filter((event) => event.silenced)).toHaveLength(2);

    await engine.evaluate([groupStatus('billing-api', { lag: 50 })], T0 + 300 * S);
    expect(notifier.sent.map(({ event }) => `${event.group}:${event.state}`)).toEqual(['web:firing', 'web:resolved', 'billing-api:firing']);
  });
});

describe('AlertEngine: robustness', () => {
  it('resolves the alerts of a group that is no longer reported', async () => {
    const { engine } = await engineWith({ name: 'backlog', metric: 'lag_messages', threshold: 10, for: '0s' }, { name: 'slow', metric: 'lag_messages', threshold: 10, for: '1h' });
    await engine.evaluate([groupStatus('gone', { lag: 50 }), groupStatus('stays', { lag: 50 })], T0);
    const events = await engine.evaluate([groupStatus('stays', { lag: 50 })], T0 + 10 * S);
    expect(events).toMatchObject([{ group: 'gone', state: 'resolved', reason: 'no longer reported', message: 'gone on orders: resolved, no longer reported, after firing for 10s' }]);
    expect(engine.active().map((alert) => `${alert.ruleName}:${alert.group}:${alert.state}`)).toEqual(['backlog:stays:firing', 'slow:stays:pending']);
  });

  it('sorts active alerts firing first, newest first, and keeps no state for healthy groups', async () => {
    const { engine } = await engineWith({ name: 'backlog', metric: 'lag_messages', threshold: 10 }, { name: 'slow', metric: 'lag_messages', threshold: 100, for: '1h' });
    const healthy = Array.from({ length: 500 }, (_, index) => groupStatus(`ok-${index}`, { lag: 1 }));
    await engine.evaluate([...healthy, groupStatus('a', { lag: 500 })], T0);
    await engine.evaluate([...healthy, groupStatus('a', { lag: 500 }), groupStatus('b', { lag: 500 })], T0 + S);
    expect(engine.active().map((alert) => `${alert.ruleName}:${alert.group}:${alert.state}`)).toEqual(['backlog:b:firing', 'backlog:a:firing', 'slow:b:pending', 'slow:a:pending']);
  });

  it('survives malformed statuses and a failing store, still returning the events', async () => {
    const { engine, store, warnings } = await engineWith({ name: 'backlog', metric: 'lag_messages', threshold: 10 });
    const garbage = [null, {}, { cluster: 'c', group: 'g', destinations: [null, { destination: 'd', lag: Number.NaN }] }, groupStatus('g', { lag: 50 })];
    store.failWrites = true;
    expect(states(await engine.evaluate(garbage as never, T0))).toEqual(['g:firing']);
    expect(warnings).toHaveLength(1);
    expect(await engine.evaluate(null as never, T0 + S)).toMatchObject([{ state: 'resolved', reason: 'no longer reported' }]);
  });
});
