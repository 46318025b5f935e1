/**
 * The alert engine: after each lag poll it judges every enabled rule on every (cluster, group,
 * destination) in scope, moves alerts between nothing → pending → firing → resolved, records the
 * state changes and hands them to the notifier. State is kept only for pending and firing alerts,
 * so memory follows the number of alerts, not the number of groups.
 */
import { alertKeyId, type ActiveAlert, type AlertEvent, type AlertKey, type AlertMetric, type AlertRule } from './types.js';
import type { GroupStatus, LagStatus } from '../lag/types.js';
import { RuleConflictError } from './errors.js';
import {
  applyRule,
  breaches,
  endedMessage,
  firingMessage,
  isSilenced,
  pendingMessage,
  readValue,
  recovered,
  recoveredMessage,
  type Applied,
  type Where,
} from './judge.js';
import { firingFromHistory } from './restore.js';
import { ruleFromBody } from './rules.js';
import type { AlertStore } from './store.js';
import { WebhookNotifier, type AlertNotifierSink, type NotifierLog } from './webhook.js';

export interface AlertEngineOptions {
  store: AlertStore;
  /** Default: a `WebhookNotifier`. */
  notifier?: AlertNotifierSink;
  log?: NotifierLog;
  /** Clock for events of rule changes (deletions happen outside evaluations); default `Date.now`. */
  now?: () => number;
  /** Ids of API rules created without one; default random UUIDs. */
  idFactory?: () => string;
}

interface AlertState {
  id: string;
  key: AlertKey;
  ruleName: string;
  metric: AlertMetric;
  phase: 'pending' | 'firing';
  since: number;
  firedAt?: number;
  /** Firing: since when the resolve condition holds. */
  resolvingSince?: number;
  value: number | LagStatus;
  threshold: number | LagStatus;
  message: string;
  reason: string;
  silenced: boolean;
  /** Someone was told it fired, so they are told it resolved. */
  notified: boolean;
}

const PENDING_WRITES_WAIT_MS = 5_000;

export class AlertEngine {
  private readonly store: AlertStore;
  private readonly notifier: AlertNotifierSink;
  private readonly log: NotifierLog | undefined;
  private readonly clock: () => number;
  private readonly idFactory: (() => string) | undefined;
  private fileRules = new Map<string, AlertRule>();
  private readonly apiRules = new Map<string, AlertRule>();
  private readonly states = new Map<string, AlertState>();
  /** Writes started outside `evaluate` (rule changes), awaited by `close`. */
  private readonly pendingWrites = new Set<Promise<void>>();

  private constructor(options: AlertEngineOptions) {
    this.store = options.store;
    this.log = options.log;
    this.notifier = options.notifier ?? new WebhookNotifier(options.log ? { log: options.log } : {});
    this.clock = options.now ?? Date.now;
    this.idFactory = options.idFactory;
  }

  /** Loads the API rules and the alerts that were firing (they stay firing and are not notified again). */
  static async create(options: AlertEngineOptions): Promise<AlertEngine> {
    const engine = new AlertEngine(options);
    for (const rule of await engine.store.listAlertRules()) {
      if (rule && typeof rule.id === 'string' && rule.source === 'api') engine.apiRules.set(rule.id, rule);
    }
    const history = await firingFromHistory(engine.store, engine.apiRules.keys());
    for (const event of history.firing) engine.states.set(event.alertId, restoredState(event));
    if (history.truncated) engine.log?.warn({ restored: history.firing.length }, 'alert history too long to read whole: some firing alerts may not be restored');
    else if (history.firing.length > 0) engine.log?.info({ restored: history.firing.length }, 'firing alerts restored from history');
    return engine;
  }

  /** Replaces the rules of the file. Alerts of removed or disabled file rules resolve now. */
  setFileRules(rules: AlertRule[]): void {
    const previous = this.fileRules;
    this.fileRules = new Map(rules.map((rule) => [rule.id, { ...rule, source: 'file' as const }]));
    for (const old of previous.values()) this.track(this.afterRuleChange(old, this.fileRules.get(old.id)));
  }

  /** File rules first, then API rules, each by id. */
  listRules(): AlertRule[] {
    const byId = (a: AlertRule, b: AlertRule) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    return [...[...this.fileRules.values()].sort(byId), ...[...this.apiRules.values()].sort(byId)];
  }

  /** Creates or replaces an API rule. Throws `RuleError` (invalid body) or `RuleConflictError` (a file rule's id). */
  async upsertRule(body: unknown): Promise<AlertRule> {
    const rule = ruleFromBody(body, 'api', this.idFactory ? { idFactory: this.idFactory } : {});
    if (this.fileRules.has(rule.id)) throw new RuleConflictError(rule.id);
    await this.store.putAlertRule(rule);
    const old = this.apiRules.get(rule.id);
    this.apiRules.set(rule.id, rule);
    if (old) await this.afterRuleChange(old, rule);
    return rule;
  }

  async deleteRule(id: string): Promise<'deleted' | 'not-found' | 'file-rule'> {
    if (this.fileRules.has(id)) return 'file-rule';
    const old = this.apiRules.get(id);
    const deleted = await this.store.deleteAlertRule(id);
    this.apiRules.delete(id);
    if (old) await this.afterRuleChange(old, undefined);
    return old || deleted ? 'deleted' : 'not-found';
  }

  /** One evaluation after a lag poll; returns the state changes (also stored, and sent unless silenced). */
  async evaluate(groups: GroupStatus[], now: number): Promise<AlertEvent[]> {
    const events: AlertEvent[] = [];
    const reported = new Set<string>();
    const judged = new Set<string>();
    const rules = this.listRules().filter((rule) => rule.enabled);
    for (const group of Array.isArray(groups) ? groups : []) {
      if (!group || typeof group.cluster !== 'string' || typeof group.group !== 'string' || !Array.isArray(group.destinations)) continue;
      for (const destination of group.destinations) {
        if (!destination || typeof destination.destination !== 'string') continue;
        const where: Where = { cluster: group.cluster, group: group.group, destination: destination.destination };
        reported.add(placeId(where));
        for (const rule of rules) {
          const applied = applyRule(rule, where);
          if (!applied) continue;
          const key: AlertKey = { ruleId: rule.id, ...where };
          const id = alertKeyId(key);
          if (judged.has(id)) continue;
          judged.add(id);
          const value = readValue(rule.metric, destination);
          // An unknown value (e.g. no seconds estimate this poll) neither raises nor resolves anything.
          if (value === undefined) continue;
          const event = this.step(rule, key, id, applied, value, destination.reason ?? '', now);
          if (event) events.push(event);
        }
      }
    }
    for (const state of [...this.states.values()]) {
      if (judged.has(state.id)) continue;
      const rule = this.ruleById(state.key.ruleId);
      const reason = !rule
        ? 'rule deleted'
        : !rule.enabled
          ? 'rule disabled'
          : !reported.has(placeId(state.key))
            ? 'no longer reported'
            : 'no longer in the scope of the rule';
      const event = this.end(state, reason, now);
      if (event) events.push(event);
    }
    await this.publish(events, (event) => this.ruleById(event.ruleId));
    return events;
  }

  /** Firing first, then pending; newest first within each. */
  active(): ActiveAlert[] {
    const alerts = [...this.states.values()].map(toActiveAlert);
    const rank = (alert: ActiveAlert) => (alert.state === 'firing' ? (alert.firedAt ?? alert.since) : alert.since);
    return alerts.sort((a, b) => (a.state !== b.state ? (a.state === 'firing' ? -1 : 1) : rank(b) - rank(a) || (a.id < b.id ? -1 : 1)));
  }

  /** Waits (at most about 5 s each) for rule-change writes and queued notifications. */
  async close(): Promise<void> {
    if (this.pendingWrites.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled([...this.pendingWrites]), new Promise((resolve) => (timer = setTimeout(resolve, PENDING_WRITES_WAIT_MS)))]);
      clearTimeout(timer);
    }
    await this.notifier.close();
  }

  private ruleById(id: string): AlertRule | undefined {
    return this.fileRules.get(id) ?? this.apiRules.get(id);
  }

  /** Moves one alert one evaluation forward; returns the event when its state changed. */
  private step(rule: AlertRule, key: AlertKey, id: string, applied: Applied, value: number | LagStatus, reason: string, now: number): AlertEvent | undefined {
    let state = this.states.get(id);
    const silenced = isSilenced(rule, key, now);
    if (!state) {
      if (!breaches(value, applied)) return undefined;
      state = { id, key, ruleName: rule.name, metric: rule.metric, phase: 'pending', since: now, value, threshold: applied.threshold, message: '', reason, silenced, notified: false };
      this.states.set(id, state);
    }
    Object.assign(state, { ruleName: rule.name, metric: rule.metric, value, threshold: applied.threshold, reason, silenced });

    if (state.phase === 'pending') {
      if (!breaches(value, applied)) {
        this.states.delete(id);
        return undefined;
      }
      if (now - state.since < applied.forMs) {
        state.message = pendingMessage(rule.metric, key, value, applied, now - state.since);
        return undefined;
      }
      state.phase = 'firing';
      state.firedAt = now;
      state.notified = !silenced;
      state.message = firingMessage(rule.metric, key, value, applied, now - state.since);
      return eventOf(state, 'firing', now, silenced);
    }

    if (!recovered(value, applied)) {
      // Still above the resolve threshold (maybe below the firing one): stays firing, no flapping.
      delete state.resolvingSince;
      state.message = firingMessage(rule.metric, key, value, applied, now - state.since);
      return undefined;
    }
    state.resolvingSince ??= now;
    const firedMs = now - (state.firedAt ?? state.since);
    state.message = recoveredMessage(rule.metric, key, value, applied, firedMs);
    if (now - state.resolvingSince < applied.resolveForMs) return undefined;
    this.states.delete(id);
    return eventOf(state, 'resolved', now, silenced || !state.notified);
  }

  /** Ends an alert for a reason other than recovery: a firing one resolves, a pending one is dropped. */
  private end(state: AlertState, reason: string, now: number): AlertEvent | undefined {
    this.states.delete(state.id);
    if (state.phase !== 'firing') return undefined;
    state.reason = reason;
    state.message = endedMessage(state.key, reason, now - (state.firedAt ?? state.since));
    return eventOf(state, 'resolved', now, !state.notified);
  }

  /** After a rule was replaced (`next`) or removed (undefined): end the alerts the change makes meaningless. */
  private async afterRuleChange(old: AlertRule, next: AlertRule | undefined): Promise<void> {
    const reason = !next ? 'rule deleted' : !next.enabled ? 'rule disabled' : next.metric !== old.metric ? 'rule changed its metric' : undefined;
    if (!reason) return;
    const now = this.clock();
    const events: AlertEvent[] = [];
    for (const state of [...this.states.values()]) {
      if (state.key.ruleId !== old.id) continue;
      const event = this.end(state, reason, now);
      if (event) events.push(event);
    }
    // The old rule still knows where its notifications go.
    await this.publish(events, () => old);
  }

  /** Stores events and hands the unsilenced ones to the notifier; failures are logged, never thrown. */
  private async publish(events: AlertEvent[], ruleOf: (event: AlertEvent) => AlertRule | undefined): Promise<void> {
    if (events.length === 0) return;
    for (const event of events) {
      this.log?.info({ alertId: event.alertId, state: event.state, silenced: event.silenced }, event.message);
      const rule = ruleOf(event);
      if (event.silenced || !rule) continue;
      try {
        this.notifier.send(event, rule);
      } catch (error) {
        this.log?.warn({ err: error, eventId: event.id }, 'alert notifier failed');
      }
    }
    try {
      await this.store.putAlertEvents(events);
    } catch (error) {
      this.log?.warn({ err: error, events: events.length }, 'could not store alert events');
    }
  }

  private track(write: Promise<void>): void {
    this.pendingWrites.add(write);
    void write.finally(() => this.pendingWrites.delete(write));
  }
}

function placeId(where: Where): string {
  return `${where.cluster}\u0000${where.group}\u0000${where.destination}`;
}

function eventOf(state: AlertState, kind: 'firing' | 'resolved', at: number, silenced: boolean): AlertEvent {
  return {
    id: `${state.id}|${kind}|${at}`,
    alertId: state.id,
    ruleId: state.key.ruleId,
    ruleName: state.ruleName,
    metric: state.metric,
    cluster: state.key.cluster,
    group: state.key.group,
    destination: state.key.destination,
    state: kind,
    at,
    value: state.value,
    threshold: state.threshold,
    message: state.message,
    reason: state.reason,
    silenced,
  };
}

function restoredState(event: AlertEvent): AlertState {
  return {
    id: event.alertId,
    key: { ruleId: event.ruleId, cluster: event.cluster, group: event.group, destination: event.destination },
    ruleName: event.ruleName,
    metric: event.metric,
    phase: 'firing',
    since: event.at,
    firedAt: event.at,
    value: event.value,
    threshold: event.threshold,
    message: event.message,
    reason: event.reason,
    silenced: event.silenced,
    notified: !event.silenced,
  };
}

function toActiveAlert(state: AlertState): ActiveAlert {
  return {
    id: state.id,
    ruleId: state.key.ruleId,
    ruleName: state.ruleName,
    metric: state.metric,
    cluster: state.key.cluster,
    group: state.key.group,
    destination: state.key.destination,
    state: state.phase,
    since: state.since,
    ...(state.firedAt === undefined ? {} : { firedAt: state.firedAt }),
    value: state.value,
    threshold: state.threshold,
    message: state.message,
    reason: state.reason,
    silenced: state.silenced,
  };
}
