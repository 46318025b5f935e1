/**
 * How one rule judges one destination of one group: which threshold and durations apply there
 * (overrides), whether the alert condition or the resolve condition holds, whether a silence
 * covers it, and the plain-words messages of alerts.
 */
import { STATUS_SEVERITY, type DestinationLag, type LagStatus } from '../lag/types.js';
import { describeDuration } from './duration.js';
import { scopeMatches } from './glob.js';
import type { AlertMetric, AlertRule } from './types.js';

/** Default hysteresis: a number alert resolves at 80 % of its threshold. */
export const DEFAULT_RESOLVE_RATIO = 0.8;

export interface Where {
  cluster: string;
  group: string;
  destination: string;
}

/** The rule's settings for one place, overrides applied. */
export interface Applied {
  threshold: number | LagStatus;
  forMs: number;
  /** Numbers only: resolve at or below this. */
  resolveThreshold?: number;
  resolveForMs: number;
}

/** The settings a rule has at `where`, or undefined when the rule does not apply there. */
export function applyRule(rule: AlertRule, where: Where): Applied | undefined {
  if (!scopeMatches(rule.scope, where.cluster, where.group, where.destination)) return undefined;
  const override = rule.overrides.find((candidate) => scopeMatches(candidate, where.cluster, where.group, where.destination));
  if (override?.disabled) return undefined;
  const threshold = override?.threshold ?? rule.threshold;
  const forMs = override?.forMs ?? rule.forMs;
  // An override's own threshold gets its own default hysteresis; the rule's explicit one was chosen for the rule's threshold.
  const resolveThreshold =
    typeof threshold !== 'number' ? undefined : (override?.threshold === undefined ? rule.resolveThreshold : undefined) ?? threshold * DEFAULT_RESOLVE_RATIO;
  return { threshold, forMs, ...(resolveThreshold === undefined ? {} : { resolveThreshold }), resolveForMs: rule.resolveForMs ?? forMs };
}

/** The metric's value, or undefined when unknown (e.g. no lag-in-seconds estimate): then nothing changes. */
export function readValue(metric: AlertMetric, destination: DestinationLag): number | LagStatus | undefined {
  if (metric === 'status') return typeof destination.status === 'string' && destination.status in STATUS_SEVERITY ? destination.status : undefined;
  const value = metric === 'lag_messages' ? destination.lag : destination.lagSeconds;
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** The alert condition: above a number threshold, or a status at least as bad as the threshold's. */
export function breaches(value: number | LagStatus, applied: Applied): boolean {
  if (typeof value === 'number') return typeof applied.threshold === 'number' && value > applied.threshold;
  return typeof applied.threshold === 'string' && STATUS_SEVERITY[value] >= STATUS_SEVERITY[applied.threshold];
}

/** The resolve condition (hysteresis): at or below the resolve threshold, or a status better than the threshold's. */
export function recovered(value: number | LagStatus, applied: Applied): boolean {
  if (typeof value === 'number') return applied.resolveThreshold !== undefined && value <= applied.resolveThreshold;
  return typeof applied.threshold === 'string' && STATUS_SEVERITY[value] < STATUS_SEVERITY[applied.threshold];
}

/** True while a silence of the rule covers `where`. */
export function isSilenced(rule: AlertRule, where: Where, now: number): boolean {
  return rule.silences.some((silence) => silence.until > now && scopeMatches(silence, where.cluster, where.group, where.destination));
}

const numberFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

function subject(where: Where): string {
  return `${where.group} on ${where.destination}${where.cluster === 'default' ? '' : ` (${where.cluster})`}`;
}

function valueText(metric: AlertMetric, value: number | LagStatus): string {
  if (typeof value === 'string') return `status ${value}`;
  const number = numberFormat.format(value);
  return metric === 'lag_seconds' ? `${number} s behind` : `${number} ${value === 1 ? 'message' : 'messages'} behind`;
}

function thresholdText(metric: AlertMetric, threshold: number | LagStatus): string {
  if (typeof threshold === 'string') return threshold;
  return metric === 'lag_seconds' ? `${numberFormat.format(threshold)} s` : numberFormat.format(threshold);
}

/** "orders-svc on orders: 1,204 messages behind (threshold 1,000) for 2m". */
export function firingMessage(metric: AlertMetric, where: Where, value: number | LagStatus, applied: Applied, heldMs: number): string {
  return `${subject(where)}: ${valueText(metric, value)} (threshold ${thresholdText(metric, applied.threshold)}) for ${describeDuration(heldMs)}`;
}

export function pendingMessage(metric: AlertMetric, where: Where, value: number | LagStatus, applied: Applied, heldMs: number): string {
  return `${firingMessage(metric, where, value, applied, heldMs)}; fires after ${describeDuration(applied.forMs)}`;
}

/** "orders-svc on orders: recovered, 120 messages behind (resolves at 800 or less) after firing for 5m". */
export function recoveredMessage(metric: AlertMetric, where: Where, value: number | LagStatus, applied: Applied, firedMs: number): string {
  const bar =
    typeof value === 'string' ? `better than ${thresholdText(metric, applied.threshold)}` : `resolves at ${thresholdText(metric, applied.resolveThreshold ?? 0)} or less`;
  return `${subject(where)}: recovered, ${valueText(metric, value)} (${bar}) after firing for ${describeDuration(firedMs)}`;
}

/** Resolved for another reason than recovery, e.g. "rule deleted" or "no longer reported". */
export function endedMessage(where: Where, reason: string, firedMs: number): string {
  return `${subject(where)}: resolved, ${reason}, after firing for ${describeDuration(firedMs)}`;
}
