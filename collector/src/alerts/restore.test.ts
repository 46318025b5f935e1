import { describe, expect, it } from 'vitest';
import { firingFromHistory } from './restore.js';
import { MemoryAlertStore } from './testing/fakes.js';
import type { AlertEvent } from './types.js';

const T0 = 1_700_000_000_000;

function event(ruleId: string, group: string, state: 'firing' | 'resolved', at: number): AlertEvent {
  const alertId = `${ruleId}|default|${group}|orders`;
  return { id: `${alertId}|${state}|${at}`, alertId, ruleId, ruleName: ruleId, metric: 'lag_messages', cluster: 'default', group, destination: 'orders', state, at, value: 5, threshold: 1, message: 'm', reason: '', silenced: false };
}

describe('firingFromHistory', () => {
  it('keeps the latest event of each alert across pages', async () => {
    const store = new MemoryAlertStore();
    const events: AlertEvent[] = [];
    for (let index = 0; index < 250; index++) {
      events.push(event('r', `g${index}`, 'firing', T0 + index));
      if (index % 2 === 0) events.push(event('r', `g${index}`, 'resolved', T0 + 1_000 + index));
    }
    await store.putAlertEvents(events);
    const history = await firingFromHistory(store, [], 40);
    expect(history.truncated).toBe(false);
    const oddGroups = Array.from({ length: 125 }, (_, index) => `g${index * 2 + 1}`);
    expect(history.firing.map((item) => item.group).sort()).toEqual(oddGroups.sort());
  });

  it('reads an instant with more events than a page rule by rule, and says when it may have missed some', async () => {
    const store = new MemoryAlertStore();
    const events: AlertEvent[] = [];
    for (const rule of ['a', 'b', 'c']) for (let index = 0; index < 30; index++) events.push(event(rule, `g${index}`, 'firing', T0));
    events.push(event('a', 'old', 'firing', T0 - 10));
    await store.putAlertEvents(events);

    const known = await firingFromHistory(store, ['c'], 40);
    // Rules a and b are in the page (a whole, b partly), c is known by name: nothing is missed.
    expect(known.firing).toHaveLength(91);
    expect(known.truncated).toBe(true);

    const unknown = await firingFromHistory(store, [], 40);
    expect(unknown.firing.filter((item) => item.ruleId === 'c')).toHaveLength(0);
    expect(unknown.firing).toHaveLength(61);
    expect(unknown.truncated).toBe(true);
  });

  it('reads nothing from an empty store', async () => {
    expect(await firingFromHistory(new MemoryAlertStore())).toEqual({ firing: [], truncated: false });
  });
});
