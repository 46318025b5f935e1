/** Reading the collector's lag and alert answers in tests. */
import type { RunningCollector } from './collector.js';
import type { ReceivedWebhook, WebhookReceiver } from './webhook-receiver.js';

export interface GroupStatusAnswer {
  group: string;
  status: string;
  reason: string;
  members: number;
  lag: number;
  lagSeconds: number | null;
  partitions: Array<{ destination: string; partition: number; status: string; lag: number }>;
}

export interface LagStatusAnswer {
  sources: Array<{ name: string; up: boolean; error: string | null }>;
  groups: GroupStatusAnswer[];
}

/** The JSON webhook body (format `json`). */
export interface LagAlertWebhook {
  version: number;
  event: { alertId: string; group: string; destination: string; state: 'firing' | 'resolved'; at: string; value: number | string; message: string };
  rule: { id: string; name: string; metric: string };
}

export function groupStatus(answer: LagStatusAnswer, group: string): GroupStatusAnswer | undefined {
  return answer.groups.find((g) => g.group === group);
}

/** JSON webhooks received on `path` about `group` in `state`, in arrival order. */
export function webhooksFor(receiver: WebhookReceiver, path: string, group: string, state: 'firing' | 'resolved'): Array<ReceivedWebhook & { body: LagAlertWebhook }> {
  return receiver.received.filter(
    (r): r is ReceivedWebhook & { body: LagAlertWebhook } =>
      r.path === path && (r.body as LagAlertWebhook | undefined)?.event?.group === group && (r.body as LagAlertWebhook).event.state === state,
  );
}

/** Consecutive duplicates removed: the sequence of statuses a group went through. */
export function statusesOf(seen: string[]): string[] {
  return seen.filter((status, i) => i === 0 || seen[i - 1] !== status);
}

/**
 * Records every status the collector reports for `groups` into `seen[group]`, four times a second,
 * until the returned function is called. Tests may replace `seen[group]` with a fresh array to start over.
 */
export function watchStatuses(collector: RunningCollector, groups: string[], seen: Record<string, string[]>): () => void {
  const timer = setInterval(() => {
    void collector.get<LagStatusAnswer>('/api/lag/status').then(({ body }) => {
      for (const name of groups) {
        const status = groupStatus(body, name)?.status;
        if (status) (seen[name] ??= []).push(status);
      }
    }, () => undefined);
  }, 250);
  return () => clearInterval(timer);
}
