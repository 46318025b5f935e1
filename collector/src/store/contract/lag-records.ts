/**
 * Builders for the lag and alert parts of the contract suite. Like `records.ts`, each fills every
 * field, optional ones included, so round trips cover them.
 */
import type { AlertEvent, AlertRule } from '../../alerts/types.js';
import { alertKeyId } from '../../alerts/types.js';
import type { LagSample } from '../../lag/types.js';
import { BASE_DAY, tag } from './records.js';

export function lagSample(overrides: Partial<LagSample> = {}): LagSample {
  return {
    at: BASE_DAY + 10_000,
    resolutionMs: 0,
    system: 'kafka',
    cluster: 'default',
    group: 'payments-group',
    destination: 'orders',
    partition: 3,
    lag: 1204,
    lagSeconds: 95.5,
    drainSeconds: 12.25,
    position: 48_211,
    logStart: 1000,
    logEnd: 49_415,
    ready: 7,
    unacked: 2,
    members: 2,
    status: 'WARN',
    noCommit: false,
    ...overrides,
  };
}

/** A queue's sample without any optional field. */
export function bareLagSample(overrides: Partial<LagSample> = {}): LagSample {
  const {
    lagSeconds: _lagSeconds,
    drainSeconds: _drainSeconds,
    position: _position,
    logStart: _logStart,
    logEnd: _logEnd,
    ready: _ready,
    unacked: _unacked,
    noCommit: _noCommit,
    ...rest
  } = lagSample(overrides);
  return { ...rest, system: 'rabbitmq', partition: 0, members: 0, status: 'STOP', ...overrides };
}

export function alertRule(overrides: Partial<AlertRule> = {}): AlertRule {
  return {
    id: tag('rule'),
    name: 'Orders lag — över 1 000',
    source: 'api',
    metric: 'lag_messages',
    threshold: 1000,
    resolveThreshold: 800,
    forMs: 30_000,
    resolveForMs: 60_000,
    scope: { group: 'payments-*', destination: 'orders', cluster: '*' },
    overrides: [
      { group: 'payments-batch', threshold: 50_000, forMs: 300_000 },
      { group: 'payments-test?', disabled: true },
    ],
    silences: [{ group: 'payments-legacy', until: BASE_DAY + 86_400_000, reason: 'migration' }],
    notify: [
      { url: 'http://127.0.0.1:9999/hook', format: 'json' },
      { url: 'https://hooks.slack.example/T000/B000', format: 'slack' },
    ],
    enabled: true,
    ...overrides,
  };
}

export function alertEvent(overrides: Partial<AlertEvent> = {}): AlertEvent {
  const base = {
    ruleId: overrides.ruleId ?? tag('rule'),
    cluster: overrides.cluster ?? 'default',
    group: overrides.group ?? tag('group'),
    destination: overrides.destination ?? 'orders',
  };
  const state = overrides.state ?? 'firing';
  const at = overrides.at ?? BASE_DAY + 60_000;
  const alertId = alertKeyId(base);
  return {
    id: `${alertId}|${state}|${at}`,
    alertId,
    ...base,
    ruleName: 'Orders lag',
    metric: 'lag_messages',
    state,
    at,
    value: 1204,
    threshold: 1000,
    message: `${base.group} on orders: 1,204 messages behind (threshold 1,000) for 30s`,
    reason: 'lag grew over the last 10 polls',
    silenced: false,
    ...overrides,
  };
}
