/**
 * Adds an alert rule through `POST /api/alerts/rules`. The threshold is a status select for a
 * status rule and a number otherwise; the collector's own 400 sentence is shown when it refuses.
 */
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { createAlertRule } from '../../api/queries';
import type { AlertMetric, AlertRuleView, LagStatusName } from '../../api/schemas';
import { EMPTY_RULE_FORM, METRIC_LABELS, ruleFormToBody, type RuleFormFields } from '../../model/alert-rule-form';
import { LAG_STATUS_LOOK, LAG_STATUSES } from '../../model/lag-format';

export function RuleForm({ onCreated }: { onCreated: (rule: AlertRuleView) => void }) {
  const id = useId();
  const [fields, setFields] = useState<RuleFormFields>(EMPTY_RULE_FORM);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const pending = useRef<AbortController | null>(null);
  useEffect(() => () => pending.current?.abort(), []);

  const set = <K extends keyof RuleFormFields>(key: K, value: RuleFormFields[K]) => setFields((current) => ({ ...current, [key]: value }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const result = ruleFormToBody(fields);
    if (!result.ok) return setError(result.error);
    setError(null);
    setSaving(true);
    const controller = new AbortController();
    pending.current = controller;
    createAlertRule(result.body, controller.signal).then(
      (rule) => {
        if (controller.signal.aborted) return;
        setSaving(false);
        setFields(EMPTY_RULE_FORM);
        onCreated(rule);
      },
      (err: unknown) => {
        if (controller.signal.aborted) return;
        setSaving(false);
        setError(err instanceof Error ? err.message : String(err));
      },
    );
  };

  const unit = fields.metric === 'lag_seconds' ? 'seconds' : 'messages';
  return (
    <form className="rule-form" data-testid="rule-form" aria-labelledby={`${id}-title`} onSubmit={submit} noValidate>
      <h3 id={`${id}-title`}>Add a rule</h3>
      <div className="field">
        <label htmlFor={`${id}-name`}>Name</label>
        <input id={`${id}-name`} value={fields.name} onChange={(event) => set('name', event.target.value)} required maxLength={200} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-metric`}>Metric</label>
        <select id={`${id}-metric`} value={fields.metric} onChange={(event) => set('metric', event.target.value as AlertMetric)}>
          {Object.entries(METRIC_LABELS).map(([metric, label]) => (
            <option key={metric} value={metric}>
              {label}
            </option>
          ))}
        </select>
      </div>
      {fields.metric === 'status' ? (
        <div className="field">
          <label htmlFor={`${id}-status-at-or-worse-than`}>Status at or worse than</label>
          <select id={`${id}-status-at-or-worse-than`} value={fields.statusThreshold} onChange={(event) => set('statusThreshold', event.target.value as LagStatusName)}>
            {LAG_STATUSES.filter((status) => status !== 'OK').map((status) => (
              <option key={status} value={status}>
                {status} ({LAG_STATUS_LOOK[status].meaning})
              </option>
            ))}
          </select>
        </div>
      ) : (
        <div className="field">
          <label htmlFor={`${id}-threshold`}>Threshold ({unit})</label>
          <input id={`${id}-threshold`} type="number" min={0} step="any" inputMode="decimal" value={fields.threshold} onChange={(event) => set('threshold', event.target.value)} required />
        </div>
      )}
      <div className="field">
        <label htmlFor={`${id}-for`}>Holds for</label>
        <input id={`${id}-for`} value={fields.for} onChange={(event) => set('for', event.target.value)} placeholder="30s, 5m, 1h" maxLength={16} aria-describedby={`${id}-for-help`} />
        <span id={`${id}-for-help`} className="muted small">
          how long the condition must hold before it fires
        </span>
      </div>
      <div className="field">
        <label htmlFor={`${id}-group`}>Group</label>
        <input id={`${id}-group`} value={fields.group} onChange={(event) => set('group', event.target.value)} placeholder="* (every group)" />
      </div>
      <div className="field">
        <label htmlFor={`${id}-topic-or-queue`}>Topic or queue</label>
        <input id={`${id}-topic-or-queue`} value={fields.destination} onChange={(event) => set('destination', event.target.value)} placeholder="* (every one)" />
      </div>
      <div className="field">
        <label htmlFor={`${id}-webhook-url`}>Webhook URL</label>
        <input id={`${id}-webhook-url`} type="url" value={fields.webhookUrl} onChange={(event) => set('webhookUrl', event.target.value)} placeholder="https://hooks.example.com/…" />
      </div>
      <div className="field">
        <label htmlFor={`${id}-webhook-format`}>Webhook format</label>
        <select id={`${id}-webhook-format`} value={fields.webhookFormat} onChange={(event) => set('webhookFormat', event.target.value as RuleFormFields['webhookFormat'])}>
          <option value="json">Generic JSON</option>
          <option value="slack">Slack-compatible</option>
        </select>
      </div>
      <p className="muted small rule-form-hint">Group and topic / queue take * and ? as wildcards; leave them empty for every one.</p>
      {error && (
        <p className="error-text small rule-form-error" role="alert">
          {error}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={saving}>
          {saving ? 'Adding…' : 'Add rule'}
        </button>
      </div>
    </form>
  );
}
