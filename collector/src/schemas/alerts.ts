/**
 * Schemas of `/api/alerts` and `/api/alerts/rules`. Rules use the same shape as the YAML file
 * (durations as "30s" / "5m" / "1h" strings, silences' `until` as ISO time), so a rule can be
 * copied between the two.
 */
import { Type, type Static } from 'typebox';
import { IsoTime, TimeParam } from './common.js';
import { LagStatusName } from './lag.js';

export const Duration = Type.String({
  pattern: '^[0-9]+(ms|s|m|h|d)$',
  maxLength: 16,
  errorMessage: 'durations look like 500ms, 30s, 5m, 1h or 1d',
});

const Glob = Type.String({ minLength: 1, maxLength: 512 });
const Threshold = Type.Union([Type.Number({ minimum: 0 }), LagStatusName]);

export const AlertScopeBody = Type.Object(
  { group: Type.Optional(Glob), destination: Type.Optional(Glob), cluster: Type.Optional(Glob) },
  { additionalProperties: false },
);

export const AlertOverrideBody = Type.Object(
  {
    group: Type.Optional(Glob),
    destination: Type.Optional(Glob),
    cluster: Type.Optional(Glob),
    threshold: Type.Optional(Threshold),
    for: Type.Optional(Duration),
    disabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const AlertSilenceBody = Type.Object(
  {
    group: Type.Optional(Glob),
    destination: Type.Optional(Glob),
    cluster: Type.Optional(Glob),
    until: IsoTime,
    reason: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);

export const AlertNotifierBody = Type.Object(
  {
    url: Type.String({ pattern: '^https?://', maxLength: 2048, errorMessage: 'notify url must be an http(s) URL' }),
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('slack')])),
  },
  { additionalProperties: false },
);

/** A rule as written in the YAML file or POSTed to the API. */
export const AlertRuleBody = Type.Object(
  {
    id: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9._-]{1,128}$', errorMessage: 'id must be 1 to 128 letters, digits, dots, dashes or underscores' })),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    metric: Type.Union([Type.Literal('lag_messages'), Type.Literal('lag_seconds'), Type.Literal('status')]),
    threshold: Threshold,
    resolveThreshold: Type.Optional(Type.Number({ minimum: 0 })),
    for: Type.Optional(Duration),
    resolveFor: Type.Optional(Duration),
    scope: Type.Optional(AlertScopeBody),
    overrides: Type.Optional(Type.Array(AlertOverrideBody, { maxItems: 100 })),
    silences: Type.Optional(Type.Array(AlertSilenceBody, { maxItems: 100 })),
    notify: Type.Optional(Type.Array(AlertNotifierBody, { maxItems: 10 })),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type AlertRuleBody = Static<typeof AlertRuleBody>;

/** A rule as the API returns it: the body's fields with defaults filled in, plus where it lives. */
export const AlertRuleView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  source: Type.Union([Type.Literal('file'), Type.Literal('api')]),
  metric: Type.Union([Type.Literal('lag_messages'), Type.Literal('lag_seconds'), Type.Literal('status')]),
  threshold: Threshold,
  resolveThreshold: Type.Union([Type.Number(), Type.Null()]),
  for: Duration,
  resolveFor: Type.Union([Duration, Type.Null()]),
  scope: AlertScopeBody,
  overrides: Type.Array(AlertOverrideBody),
  silences: Type.Array(AlertSilenceBody),
  notify: Type.Array(Type.Object({ url: Type.String(), format: Type.Union([Type.Literal('json'), Type.Literal('slack')]) })),
  enabled: Type.Boolean(),
});
export type AlertRuleView = Static<typeof AlertRuleView>;

export const AlertRulesResponse = Type.Object({ rules: Type.Array(AlertRuleView) });

export const AlertRuleParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) });

const AlertFields = {
  ruleId: Type.String(),
  ruleName: Type.String(),
  metric: Type.Union([Type.Literal('lag_messages'), Type.Literal('lag_seconds'), Type.Literal('status')]),
  cluster: Type.String(),
  group: Type.String(),
  destination: Type.String(),
  value: Threshold,
  threshold: Threshold,
  message: Type.String(),
  reason: Type.String(),
  silenced: Type.Boolean(),
};

export const ActiveAlertView = Type.Object({
  id: Type.String(),
  ...AlertFields,
  state: Type.Union([Type.Literal('pending'), Type.Literal('firing')]),
  since: IsoTime,
  firedAt: Type.Union([IsoTime, Type.Null()]),
});

export const AlertEventView = Type.Object({
  id: Type.String(),
  alertId: Type.String(),
  ...AlertFields,
  state: Type.Union([Type.Literal('firing'), Type.Literal('resolved')]),
  at: IsoTime,
});

export const AlertsQuery = Type.Object(
  {
    from: Type.Optional(TimeParam('from')),
    to: Type.Optional(TimeParam('to')),
    ruleId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    group: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, errorMessage: 'limit must be an integer between 1 and 1000' })),
  },
  { additionalProperties: false },
);

/** Active alerts (firing first, then pending) and the history of state changes, newest first. */
export const AlertsResponse = Type.Object({
  active: Type.Array(ActiveAlertView),
  history: Type.Array(AlertEventView),
});
export type AlertsResponse = Static<typeof AlertsResponse>;
