/**
 * Alert rules: from a body (a YAML entry or an API request, already parsed) to an `AlertRule`
 * with defaults, and back to the API's view. Validation is TypeBox's (`AlertRuleBody`) plus the
 * checks a schema cannot express (a status rule needs a status threshold, hysteresis below the
 * threshold, ...).
 */
import { randomUUID } from 'node:crypto';
import { Compile } from 'typebox/compile';
import { STATUS_SEVERITY, type LagStatus } from '../lag/types.js';
import { AlertRuleBody, type AlertRuleView } from '../schemas/alerts.js';
import { formatDuration, parseDuration } from './duration.js';
import { RuleError } from './errors.js';
import { describeIssues, fieldName, shown, type SchemaIssue } from './schema-errors.js';
import type { AlertOverride, AlertRule, AlertScope, AlertSilence } from './types.js';

const ruleBodyValidator = Compile(AlertRuleBody);

type OverrideBody = NonNullable<AlertRuleBody['overrides']>[number];
type SilenceBody = NonNullable<AlertRuleBody['silences']>[number];
type Field = (string | number)[];

/** Body → rule with defaults. Throws `RuleError` naming the field that is wrong. */
export function ruleFromBody(body: unknown, source: 'file' | 'api', options: { idFactory?: () => string } = {}): AlertRule {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new RuleError(`a rule must be an object with name, metric and threshold, got ${shown(body)}`);
  }
  if (!ruleBodyValidator.Check(body)) {
    const issues = describeIssues(AlertRuleBody, body, ruleBodyValidator.Errors(body) as Iterable<SchemaIssue>);
    throw new RuleError(issues.map((issue) => issue.message).join('; ') || 'the rule is invalid', issues[0]?.field);
  }
  const valid = body as AlertRuleBody;
  const threshold = checkThreshold(valid.metric, valid.threshold, ['threshold']);
  const forMs = duration(valid.for, ['for']) ?? 0;
  const resolveForMs = duration(valid.resolveFor, ['resolveFor']);
  if (valid.resolveThreshold !== undefined) {
    if (typeof threshold !== 'number') {
      throw new RuleError('resolveThreshold only applies to lag_messages and lag_seconds rules; a status rule resolves once the status is better than its threshold', ['resolveThreshold']);
    }
    if (valid.resolveThreshold >= threshold) {
      throw new RuleError(`resolveThreshold (${valid.resolveThreshold}) must be below threshold (${threshold}), or alerts would flap`, ['resolveThreshold']);
    }
  }
  const id = source === 'file' ? `file:${valid.id ?? valid.name}` : (valid.id ?? (options.idFactory ?? randomUUID)());
  return {
    id,
    name: valid.name,
    source,
    metric: valid.metric,
    threshold,
    ...(valid.resolveThreshold === undefined ? {} : { resolveThreshold: valid.resolveThreshold }),
    forMs,
    ...(resolveForMs === undefined ? {} : { resolveForMs }),
    scope: scopeOf(valid.scope ?? {}),
    overrides: (valid.overrides ?? []).map((override, index) => overrideFromBody(valid.metric, override, ['overrides', index])),
    silences: (valid.silences ?? []).map((silence, index) => silenceFromBody(silence, ['silences', index])),
    notify: (valid.notify ?? []).map((target) => ({ url: target.url, format: target.format ?? 'json' })),
    enabled: valid.enabled ?? true,
  };
}

/** Rule → the API's view: the body's shape (durations as text, times as ISO) with defaults filled in. */
export function ruleToView(rule: AlertRule): AlertRuleView {
  return {
    id: rule.id,
    name: rule.name,
    source: rule.source,
    metric: rule.metric,
    threshold: rule.threshold,
    resolveThreshold: rule.resolveThreshold ?? null,
    for: formatDuration(rule.forMs),
    resolveFor: rule.resolveForMs === undefined ? null : formatDuration(rule.resolveForMs),
    scope: scopeOf(rule.scope),
    overrides: rule.overrides.map((override) => ({
      ...scopeOf(override),
      ...(override.threshold === undefined ? {} : { threshold: override.threshold }),
      ...(override.forMs === undefined ? {} : { for: formatDuration(override.forMs) }),
      ...(override.disabled === undefined ? {} : { disabled: override.disabled }),
    })),
    silences: rule.silences.map((silence) => ({
      ...scopeOf(silence),
      until: new Date(silence.until).toISOString(),
      ...(silence.reason === undefined ? {} : { reason: silence.reason }),
    })),
    notify: rule.notify.map((target) => ({ url: target.url, format: target.format })),
    enabled: rule.enabled,
  };
}

function checkThreshold(metric: AlertRule['metric'], threshold: number | LagStatus, field: Field): number | LagStatus {
  if (metric === 'status') {
    if (typeof threshold !== 'string') {
      throw new RuleError(`${fieldName(field)} of a status rule must be a status (WARN, REWIND, STALL or STOP), got ${shown(threshold)}`, field);
    }
    if (STATUS_SEVERITY[threshold] === 0) throw new RuleError(`${fieldName(field)} OK would always fire; use WARN, REWIND, STALL or STOP`, field);
    return threshold;
  }
  if (typeof threshold !== 'number' || !Number.isFinite(threshold)) {
    throw new RuleError(`${fieldName(field)} of a ${metric} rule must be a number, got ${shown(threshold)}`, field);
  }
  return threshold;
}

function duration(text: string | undefined, field: Field): number | undefined {
  if (text === undefined) return undefined;
  try {
    return parseDuration(text);
  } catch (error) {
    throw new RuleError(`${fieldName(field)}: ${(error as Error).message}`, field);
  }
}

function overrideFromBody(metric: AlertRule['metric'], body: OverrideBody, field: Field): AlertOverride {
  if (body.threshold === undefined && body.for === undefined && body.disabled === undefined) {
    throw new RuleError(`${fieldName(field)} changes nothing: give it a threshold, a for duration or disabled: true`, field);
  }
  const forMs = duration(body.for, [...field, 'for']);
  return {
    ...scopeOf(body),
    ...(body.threshold === undefined ? {} : { threshold: checkThreshold(metric, body.threshold, [...field, 'threshold']) }),
    ...(forMs === undefined ? {} : { forMs }),
    ...(body.disabled === undefined ? {} : { disabled: body.disabled }),
  };
}

function silenceFromBody(body: SilenceBody, field: Field): AlertSilence {
  const until = Date.parse(body.until);
  if (!Number.isFinite(until)) throw new RuleError(`${fieldName([...field, 'until'])} is not a valid time: ${shown(body.until)}`, [...field, 'until']);
  return { ...scopeOf(body), until, ...(body.reason === undefined ? {} : { reason: body.reason }) };
}

/** Only the scope's own keys, without undefined ones (bodies and views are compared and serialised). */
function scopeOf(scope: AlertScope): AlertScope {
  return {
    ...(scope.group === undefined ? {} : { group: scope.group }),
    ...(scope.destination === undefined ? {} : { destination: scope.destination }),
    ...(scope.cluster === undefined ? {} : { cluster: scope.cluster }),
  };
}
