/**
 * The "add a rule" form's fields and the `POST /api/alerts/rules` body they make. Checks here only
 * catch what the form itself can get wrong (an empty name, a threshold that is not a number); the
 * collector validates the rest and its 400 sentence is shown as is.
 */
import type { AlertMetric, AlertRuleBody, LagStatusName } from '../api/schemas';

export interface RuleFormFields {
  name: string;
  metric: AlertMetric;
  /** Messages or seconds, as typed. */
  threshold: string;
  /** Used instead of `threshold` when `metric` is `status`. */
  statusThreshold: LagStatusName;
  /** Duration such as "30s", "5m"; empty for the collector's default. */
  for: string;
  group: string;
  destination: string;
  webhookUrl: string;
  webhookFormat: 'json' | 'slack';
}

export const EMPTY_RULE_FORM: RuleFormFields = {
  name: '',
  metric: 'lag_messages',
  threshold: '',
  statusThreshold: 'STOP',
  for: '1m',
  group: '',
  destination: '',
  webhookUrl: '',
  webhookFormat: 'json',
};

export const METRIC_LABELS: Readonly<Record<AlertMetric, string>> = {
  lag_messages: 'Lag in messages',
  lag_seconds: 'Lag in seconds',
  status: 'Status',
};

export type RuleFormResult = { ok: true; body: AlertRuleBody } | { ok: false; error: string };

export function ruleFormToBody(fields: RuleFormFields): RuleFormResult {
  const name = fields.name.trim();
  if (!name) return { ok: false, error: 'Give the rule a name.' };

  let threshold: AlertRuleBody['threshold'];
  if (fields.metric === 'status') threshold = fields.statusThreshold;
  else {
    const text = fields.threshold.trim();
    const value = Number(text);
    if (text === '' || !Number.isFinite(value) || value < 0) {
      return { ok: false, error: `The threshold must be a number of ${fields.metric === 'lag_seconds' ? 'seconds' : 'messages'}, 0 or more.` };
    }
    threshold = value;
  }

  const body: AlertRuleBody = { name, metric: fields.metric, threshold };
  const duration = fields.for.trim();
  if (duration) body.for = duration;
  const group = fields.group.trim();
  const destination = fields.destination.trim();
  if (group || destination) body.scope = { ...(group ? { group } : {}), ...(destination ? { destination } : {}) };
  const url = fields.webhookUrl.trim();
  if (url) body.notify = [{ url, format: fields.webhookFormat }];
  return { ok: true, body };
}
