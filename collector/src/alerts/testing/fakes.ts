/** Test doubles of the engine's collaborators: an in-memory alert store and a recording notifier. */
import type { DestinationLag, GroupStatus, LagStatus } from '../../lag/types.js';
import type { AlertNotifierSink } from '../webhook.js';
import type { AlertStore } from '../store.js';
import type { AlertEvent, AlertEventQuery, AlertRule } from '../types.js';

export class MemoryAlertStore implements AlertStore {
  readonly rules = new Map<string, AlertRule>();
  readonly events = new Map<string, AlertEvent>();
  failWrites = false;

  async putAlertRule(rule: AlertRule): Promise<void> {
    this.rules.set(rule.id, structuredClone(rule));
  }
  async listAlertRules(): Promise<AlertRule[]> {
    return [...this.rules.values()].map((rule) => structuredClone(rule));
  }
  async deleteAlertRule(id: string): Promise<boolean> {
    return this.rules.delete(id);
  }
  async putAlertEvents(events: AlertEvent[]): Promise<void> {
    if (this.failWrites) throw new Error('store is down');
    for (const event of events) this.events.set(event.id, structuredClone(event));
  }
  async listAlertEvents(query: AlertEventQuery): Promise<AlertEvent[]> {
    return [...this.events.values()]
      .filter((event) => (query.from === undefined || event.at >= query.from) && (query.to === undefined || event.at <= query.to))
      .filter((event) => (query.ruleId === undefined || event.ruleId === query.ruleId) && (query.group === undefined || event.group === query.group))
      .sort((a, b) => b.at - a.at || (a.id < b.id ? -1 : 1))
      .slice(0, query.limit);
  }
}

export class RecordingNotifier implements AlertNotifierSink {
  readonly sent: Array<{ event: AlertEvent; rule: AlertRule }> = [];
  closed = false;
  send(event: AlertEvent, rule: AlertRule): void {
    this.sent.push({ event, rule });
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

export interface DestinationInput {
  destination?: string;
  lag?: number;
  lagSeconds?: number;
  status?: LagStatus;
  reason?: string;
}

/** A group's status with one destination per input (default destination `orders`). */
export function groupStatus(group: string, destinations: DestinationInput | DestinationInput[], cluster = 'default'): GroupStatus {
  const list: DestinationLag[] = (Array.isArray(destinations) ? destinations : [destinations]).map((input) => ({
    destination: input.destination ?? 'orders',
    status: input.status ?? 'OK',
    reason: input.reason ?? `reason of ${group}`,
    lag: input.lag ?? 0,
    ...(input.lagSeconds === undefined ? {} : { lagSeconds: input.lagSeconds }),
  }));
  return {
    system: 'kafka',
    cluster,
    source: 'kafka:test',
    group,
    status: list[0]?.status ?? 'OK',
    reason: list[0]?.reason ?? '',
    members: 1,
    lag: list.reduce((sum, item) => sum + item.lag, 0),
    destinations: list,
    partitions: [],
    updatedAt: 0,
  };
}
