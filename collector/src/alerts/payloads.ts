/** Webhook bodies: Causeway's JSON payload and a Slack-compatible incoming-webhook message. */
import type { AlertEvent, AlertRule } from './types.js';

export interface JsonAlertPayload {
  version: 1;
  event: Omit<AlertEvent, 'at'> & { at: string };
  rule: { id: string; name: string; metric: AlertRule['metric'] };
  links: Record<string, string>;
}

export interface SlackPayload {
  text: string;
  blocks: Array<
    | { type: 'section'; text: { type: 'mrkdwn'; text: string } }
    | { type: 'context'; elements: Array<{ type: 'mrkdwn'; text: string }> }
  >;
}

export function jsonPayload(event: AlertEvent, rule: AlertRule): JsonAlertPayload {
  return {
    version: 1,
    event: { ...event, at: new Date(event.at).toISOString() },
    rule: { id: rule.id, name: rule.name, metric: rule.metric },
    links: {},
  };
}

export function slackPayload(event: AlertEvent, rule: AlertRule): SlackPayload {
  const firing = event.state === 'firing';
  const marker = firing ? ':red_circle: FIRING' : ':large_green_circle: RESOLVED';
  const plainMarker = firing ? '[FIRING]' : '[RESOLVED]';
  const where = `cluster \`${escape(event.cluster)}\` · group \`${escape(event.group)}\` · ${escape(event.destination)}`;
  const reason = event.reason ? `\n_${escape(event.reason)}_` : '';
  return {
    text: `${plainMarker} ${rule.name}: ${event.message}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${marker}* *${escape(rule.name)}*\n${escape(event.message)}${reason}` } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `${where} · ${new Date(event.at).toISOString()}` }] },
    ],
  };
}

/** Slack mrkdwn treats `&`, `<` and `>` as control characters. */
function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
