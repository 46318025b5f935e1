import { describe, expect, it } from 'vitest';
import { Compile } from 'typebox/compile';
import { AlertRuleView } from '../schemas/alerts.js';
import { RuleError } from './errors.js';
import { ruleFromBody, ruleToView } from './rules.js';

const base = { name: 'slow consumers', metric: 'lag_messages', threshold: 1000 } as const;

function errorOf(body: unknown): RuleError {
  try {
    ruleFromBody(body, 'api');
  } catch (error) {
    expect(error).toBeInstanceOf(RuleError);
    return error as RuleError;
  }
  throw new Error('expected a RuleError');
}

describe('ruleFromBody', () => {
  it('fills in defaults', () => {
    const rule = ruleFromBody(base, 'api', { idFactory: () => 'r-1' });
    expect(rule).toEqual({
      id: 'r-1',
      name: 'slow consumers',
      source: 'api',
      metric: 'lag_messages',
      threshold: 1000,
      forMs: 0,
      scope: {},
      overrides: [],
      silences: [],
      notify: [],
      enabled: true,
    });
  });

  it('converts durations and times, keeps ids, and names file rules file:<id or name>', () => {
    const rule = ruleFromBody(
      {
        ...base,
        id: 'lag.1',
        for: '5m',
        resolveFor: '30s',
        resolveThreshold: 500,
        scope: { group: 'orders-*' },
        overrides: [{ group: 'batch', threshold: 100_000, for: '1h' }, { group: 'replay-*', disabled: true }],
        silences: [{ group: 'billing', until: '2030-01-31T18:00:00Z', reason: 'migration' }],
        notify: [{ url: 'http://127.0.0.1:9/hook' }, { url: 'https://hooks.slack.com/services/x', format: 'slack' }],
        enabled: false,
      },
      'api',
    );
    expect(rule).toMatchObject({
      id: 'lag.1',
      forMs: 300_000,
      resolveForMs: 30_000,
      resolveThreshold: 500,
      overrides: [{ group: 'batch', threshold: 100_000, forMs: 3_600_000 }, { group: 'replay-*', disabled: true }],
      silences: [{ group: 'billing', until: Date.parse('2030-01-31T18:00:00Z'), reason: 'migration' }],
      notify: [{ url: 'http://127.0.0.1:9/hook', format: 'json' }, { url: 'https://hooks.slack.com/services/x', format: 'slack' }],
      enabled: false,
    });
    expect(ruleFromBody(base, 'file').id).toBe('file:slow consumers');
    expect(ruleFromBody({ ...base, id: 'x' }, 'file').id).toBe('file:x');
    expect(ruleFromBody(base, 'api').id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each([
    [null, /a rule must be an object/, []],
    [[base], /a rule must be an object/, []],
    [{ metric: 'status', threshold: 'STOP' }, /"name" is required/, []],
    [{ ...base, colour: 'red' }, /unknown field "colour" in the rule; known fields: id, name, metric/, ['colour']],
    [{ ...base, metric: 'lag' }, /metric must be one of "lag_messages", "lag_seconds", "status", got "lag"/, ['metric']],
    [{ ...base, threshold: -1 }, /threshold must be >= 0, got -1/, ['threshold']],
    [{ ...base, threshold: 'HIGH' }, /threshold must be one of .*"STOP" or a number, got "HIGH"/, ['threshold']],
    [{ ...base, for: '5 minutes' }, /for: durations look like 500ms, 30s, 5m, 1h or 1d/, ['for']],
    [{ ...base, threshold: 'STOP' }, /threshold of a lag_messages rule must be a number, got "STOP"/, ['threshold']],
    [{ ...base, metric: 'status' }, /threshold of a status rule must be a status \(WARN, REWIND, STALL or STOP\), got 1000/, ['threshold']],
    [{ ...base, metric: 'status', threshold: 'OK' }, /threshold OK would always fire/, ['threshold']],
    [{ ...base, metric: 'status', threshold: 'STOP', resolveThreshold: 1 }, /resolveThreshold only applies to lag_messages and lag_seconds/, ['resolveThreshold']],
    [{ ...base, resolveThreshold: 1000 }, /resolveThreshold \(1000\) must be below threshold \(1000\)/, ['resolveThreshold']],
    [{ ...base, overrides: [{ group: 'x' }] }, /overrides\[0\] changes nothing/, ['overrides', 0]],
    [{ ...base, overrides: [{ group: 'x', threshold: 'STOP' }] }, /overrides\[0\]\.threshold of a lag_messages rule must be a number/, ['overrides', 0, 'threshold']],
    [{ ...base, overrides: [{ group: 'x', for: '1w' }] }, /overrides\[0\]\.for: durations look like/, ['overrides', 0, 'for']],
    [{ ...base, silences: [{ group: 'x', until: 'tomorrow' }] }, /silences\[0\]\.until must be an ISO-8601 time/, ['silences', 0, 'until']],
    [{ ...base, silences: [{ group: 'x' }] }, /"until" is required in silences\[0\]/, ['silences', 0]],
    [{ ...base, notify: [{ url: 'ftp://x' }] }, /notify\[0\]\.url: notify url must be an http\(s\) URL/, ['notify', 0, 'url']],
    [{ ...base, notify: [{ url: 'http://x', format: 'teams' }] }, /notify\[0\]\.format must be one of "json", "slack", got "teams"/, ['notify', 0, 'format']],
    [{ ...base, id: 'has space' }, /id: id must be 1 to 128 letters/, ['id']],
  ])('refuses %j: %s', (body, message, field) => {
    const error = errorOf(body);
    expect(error.message).toMatch(message);
    expect(error.field ?? []).toEqual(field);
  });

  it('keeps error messages short even for a huge bad value', () => {
    expect(errorOf({ ...base, metric: 'x'.repeat(10_000) }).message.length).toBeLessThan(300);
  });
});

describe('ruleToView', () => {
  it('gives back the body shape with defaults, valid against the API schema, and round-trips', () => {
    const body = {
      id: 'r1',
      name: 'seconds',
      metric: 'lag_seconds',
      threshold: 300,
      resolveThreshold: 120,
      for: '2m',
      resolveFor: '1m',
      scope: { destination: 'orders*' },
      overrides: [{ group: 'batch', threshold: 21_600, for: '15m' }],
      silences: [{ group: 'billing-*', until: '2030-01-31T18:00:00.000Z', reason: 'migration' }],
      notify: [{ url: 'http://127.0.0.1:9/hook', format: 'json' }],
      enabled: true,
    } as const;
    const view = ruleToView(ruleFromBody(body, 'api'));
    expect(Compile(AlertRuleView).Check(view)).toBe(true);
    expect(view).toEqual({ ...body, source: 'api' });
    const { source: _source, ...again } = view;
    expect(ruleToView(ruleFromBody(again, 'api'))).toEqual(view);

    const defaults = ruleToView(ruleFromBody({ name: 'stopped', metric: 'status', threshold: 'STOP' }, 'api', { idFactory: () => 'r2' }));
    expect(defaults).toMatchObject({ id: 'r2', for: '0s', resolveFor: null, resolveThreshold: null, scope: {}, overrides: [], silences: [], notify: [], enabled: true });
    expect(Compile(AlertRuleView).Check(defaults)).toBe(true);
  });
});
