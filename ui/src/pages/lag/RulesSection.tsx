/**
 * Alert rules: the list (rules from the YAML file are read-only; API rules can be deleted after a
 * confirmation) and the form that adds one.
 */
import { useState } from 'react';
import { deleteAlertRule, getAlertRules } from '../../api/queries';
import type { AlertRuleView } from '../../api/schemas';
import { ErrorMessage, Loading } from '../../components/States';
import { useApi } from '../../hooks/useApi';
import { METRIC_LABELS } from '../../model/alert-rule-form';
import { formatAlertValue } from '../../model/lag-format';
import { RuleForm } from './RuleForm';

export function RulesSection() {
  const rules = useApi((signal) => getAlertRules(signal), 'rules');
  return (
    <section className="panel-section" aria-labelledby="rules-title">
      <h2 id="rules-title">Alert rules</h2>
      {rules.error && <ErrorMessage error={rules.error} what="alert rules" onRetry={rules.reload} />}
      {!rules.data && !rules.error && <Loading what="alert rules" />}
      {rules.data && rules.data.length === 0 && <p className="muted small">No rules yet: add one below, or start the collector with --alert-rules &lt;file&gt;.</p>}
      {rules.data && rules.data.length > 0 && (
        <div className="table-scroll">
          <table className="data-table">
            <caption className="visually-hidden">Alert rules</caption>
            <thead>
              <tr>
                <th scope="col">Rule</th>
                <th scope="col">Fires when</th>
                <th scope="col">For</th>
                <th scope="col">Applies to</th>
                <th scope="col">Notifies</th>
                <th scope="col">Source</th>
              </tr>
            </thead>
            <tbody>
              {rules.data.map((rule) => (
                <RuleRow key={rule.id} rule={rule} onDeleted={rules.reload} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <RuleForm onCreated={rules.reload} />
    </section>
  );
}

function describeCondition(rule: AlertRuleView): string {
  if (rule.metric === 'status') return `status is ${String(rule.threshold)} or worse`;
  return `${METRIC_LABELS[rule.metric].toLowerCase()} above ${formatAlertValue(rule.metric, rule.threshold)}`;
}

function RuleRow({ rule, onDeleted }: { rule: AlertRuleView; onDeleted: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const remove = () => {
    setDeleting(true);
    deleteAlertRule(rule.id).then(
      () => onDeleted(),
      (err: unknown) => {
        setDeleting(false);
        setConfirming(false);
        setError(err instanceof Error ? err.message : String(err));
      },
    );
  };
  const scope = [`group ${rule.scope.group ?? '*'}`, `topic / queue ${rule.scope.destination ?? '*'}`, ...(rule.scope.cluster ? [`cluster ${rule.scope.cluster}`] : [])];

  return (
    <tr data-testid="rule-row" data-rule-id={rule.id} data-source={rule.source}>
      <td>
        <div className="lag-group-name">{rule.name}</div>
        <code className="muted">{rule.id}</code>
        {!rule.enabled && <div className="muted small">disabled</div>}
      </td>
      <td>
        {describeCondition(rule)}
        {rule.overrides.length > 0 && <div className="muted small">{rule.overrides.length} override{rule.overrides.length === 1 ? '' : 's'}</div>}
        {rule.silences.length > 0 && <div className="muted small">{rule.silences.length} silence{rule.silences.length === 1 ? '' : 's'}</div>}
      </td>
      <td>{rule.for}</td>
      <td className="small">{scope.join(', ')}</td>
      <td className="small">{rule.notify.length === 0 ? <span className="muted">nobody</span> : rule.notify.map((n) => `${n.url} (${n.format})`).join(', ')}</td>
      <td>
        {rule.source === 'file' ? (
          <span className="muted small" title="Defined in the rules file: edit the file to change it">
            <span aria-hidden="true">🔒 </span>file (read-only)
          </span>
        ) : confirming ? (
          <span className="confirm" role="group" aria-label={`Confirm deleting rule ${rule.name}`}>
            <span className="small">Delete “{rule.name}”?</span>
            <button type="button" className="button danger" onClick={remove} disabled={deleting}>
              {deleting ? 'Deleting…' : 'Yes, delete'}
            </button>
            <button type="button" className="button" onClick={() => setConfirming(false)} disabled={deleting}>
              Cancel
            </button>
          </span>
        ) : (
          <button type="button" className="button" onClick={() => setConfirming(true)} aria-label={`Delete rule ${rule.name}`}>
            Delete
          </button>
        )}
        {error && (
          <div className="error-text small" role="alert">
            {error}
          </div>
        )}
      </td>
    </tr>
  );
}
