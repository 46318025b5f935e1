/**
 * Lag alerting: rules (from a YAML file or the API), the alerts they raise, and their history.
 * Durations are milliseconds here; the YAML file and the API accept "30s", "5m", "1h" and convert.
 */
import type { LagStatus } from '../lag/types.js';

export type AlertMetric = 'lag_messages' | 'lag_seconds' | 'status';

/** Which (group, destination) pairs a rule, override or silence applies to. `*` and `?` are wildcards. */
export interface AlertScope {
  /** Consumer group glob; default `*`. */
  group?: string;
  /** Topic or queue glob; default `*`. */
  destination?: string;
  /** Cluster glob; default `*`. */
  cluster?: string;
}

/** A different threshold or duration for some groups; the first matching override wins. */
export interface AlertOverride extends AlertScope {
  threshold?: number | LagStatus;
  forMs?: number;
  /** Do not evaluate the rule for these groups at all. */
  disabled?: boolean;
}

/** While `until` is in the future, matching alerts still fire and resolve (and are recorded) but notify nobody. */
export interface AlertSilence extends AlertScope {
  /** Epoch ms. */
  until: number;
  reason?: string;
}

export interface AlertNotifier {
  url: string;
  /** `json`: Causeway's payload; `slack`: a Slack-compatible incoming-webhook body (`text` + `blocks`). */
  format: 'json' | 'slack';
}

export interface AlertRule {
  /** Unique; file rules are `file:<name>`, API rules get a generated id unless given one. */
  id: string;
  name: string;
  /** Where the rule lives: file rules are read-only through the API. */
  source: 'file' | 'api';
  metric: AlertMetric;
  /**
   * `lag_messages` / `lag_seconds`: fires when the value is above this number. `status`: fires when
   * the status is this one or worse (severity order OK < WARN < REWIND < STALL < STOP).
   */
  threshold: number | LagStatus;
  /**
   * Hysteresis: a firing alert resolves only when the value is at or below this (numbers; default
   * 80 % of `threshold`) or the status is better than `threshold` (status rules).
   */
  resolveThreshold?: number;
  /** The condition must hold this long before the alert fires. 0 fires on the first evaluation. */
  forMs: number;
  /** The resolve condition must hold this long before the alert resolves; default `forMs`. */
  resolveForMs?: number;
  scope: AlertScope;
  overrides: AlertOverride[];
  silences: AlertSilence[];
  notify: AlertNotifier[];
  enabled: boolean;
}

/** What an alert is about: one rule on one group's destination. */
export interface AlertKey {
  ruleId: string;
  cluster: string;
  group: string;
  destination: string;
}

/** Deterministic id of an alert (the rule × group × destination it tracks). */
export function alertKeyId(key: AlertKey): string {
  return `${key.ruleId}|${key.cluster}|${key.group}|${key.destination}`;
}

/** A state change of an alert: the history that is stored and served. */
export interface AlertEvent {
  /** `<alertKeyId>|<state>|<at>`: deterministic, so writing it twice changes nothing. */
  id: string;
  alertId: string;
  ruleId: string;
  ruleName: string;
  metric: AlertMetric;
  cluster: string;
  group: string;
  destination: string;
  state: 'firing' | 'resolved';
  /** Epoch ms of the evaluation that changed the state. */
  at: number;
  /** The metric's value then (a number, or a status name). */
  value: number | LagStatus;
  threshold: number | LagStatus;
  /** One line for people, e.g. "orders-svc on orders: 1,204 messages behind (threshold 1,000) for 2m". */
  message: string;
  /** Reason given by the lag status when the alert changed state. */
  reason: string;
  /** A silence matched: nobody was notified. */
  silenced: boolean;
}

/** An alert currently firing, or pending (condition holds, `for` not yet reached). */
export interface ActiveAlert {
  id: string;
  ruleId: string;
  ruleName: string;
  metric: AlertMetric;
  cluster: string;
  group: string;
  destination: string;
  state: 'pending' | 'firing';
  /** Epoch ms since the condition holds. */
  since: number;
  /** Epoch ms when it fired (firing only). */
  firedAt?: number;
  value: number | LagStatus;
  threshold: number | LagStatus;
  message: string;
  reason: string;
  silenced: boolean;
}

export interface AlertEventQuery {
  from?: number;
  to?: number;
  ruleId?: string;
  group?: string;
  /** Newest first, at most this many. */
  limit: number;
}
