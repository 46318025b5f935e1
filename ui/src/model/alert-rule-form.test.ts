import { describe, expect, it } from 'vitest';
import { EMPTY_RULE_FORM, ruleFormToBody } from './alert-rule-form';

describe('ruleFormToBody', () => {
  it('writes a numeric rule with scope, duration and a webhook, trimmed', () => {
    const result = ruleFormToBody({
      ...EMPTY_RULE_FORM,
      name: ' Billing behind ',
      threshold: ' 1000 ',
      for: '2m',
      group: 'billing-*',
      destination: '',
      webhookUrl: ' http://127.0.0.1:9000/hook ',
      webhookFormat: 'slack',
    });
    expect(result).toEqual({
      ok: true,
      body: { name: 'Billing behind', metric: 'lag_messages', threshold: 1000, for: '2m', scope: { group: 'billing-*' }, notify: [{ url: 'http://127.0.0.1:9000/hook', format: 'slack' }] },
    });
  });

  it('uses the status select for a status rule and leaves out empty optional fields', () => {
    const result = ruleFormToBody({ ...EMPTY_RULE_FORM, name: 'stopped', metric: 'status', threshold: 'ignored', statusThreshold: 'STALL', for: ' ' });
    expect(result).toEqual({ ok: true, body: { name: 'stopped', metric: 'status', threshold: 'STALL' } });
  });

  it('refuses a missing name or a threshold that is not a non-negative number', () => {
    expect(ruleFormToBody({ ...EMPTY_RULE_FORM, threshold: '5' })).toEqual({ ok: false, error: 'Give the rule a name.' });
    for (const threshold of ['', 'lots', '-1']) {
      const result = ruleFormToBody({ ...EMPTY_RULE_FORM, name: 'x', metric: 'lag_seconds', threshold });
      expect(result).toEqual({ ok: false, error: 'The threshold must be a number of seconds, 0 or more.' });
    }
  });
});
