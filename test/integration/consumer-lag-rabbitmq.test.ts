/**
 * Consumer lag end to end on a real RabbitMQ through its management API: a consumer that stops
 * acknowledging while the publisher goes on turns WARN then STOP, its alert reaches a local webhook
 * within one interval plus the rule's `for`, and resolves once the consumer acknowledges again. A
 * queue nobody publishes to, with its consumer caught up, stays OK.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import amqplib, { type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startCollector, type RunningCollector } from '../support/collector.js';
import { groupStatus, statusesOf, watchStatuses, webhooksFor, type LagStatusAnswer } from '../support/lag.js';
import { services, uniqueName } from '../support/services.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

/**
 * The management API refreshes queue counts every 5 s (RabbitMQ's statistics interval, which this
 * 3.10 node keeps at 5 s for queue lengths whatever `collect_statistics_interval` says), so lag is
 * polled at that pace: faster polls would only see the same numbers twice.
 */
const INTERVAL_MS = 5000;
const WINDOW = 5;
const STOP_FOR_MS = 1000;

const run = uniqueName('lagr');
const queue = { busy: `${run}-busy`, idle: `${run}-idle` };

describe('consumer lag on RabbitMQ', () => {
  let connection: ChannelModel;
  let channel: Channel;
  let collector: RunningCollector;
  let receiver: WebhookReceiver;
  let rulesDir: string;
  let publishing: NodeJS.Timeout | undefined;
  let stopWatching: (() => void) | undefined;
  /** While false the busy consumer holds its deliveries instead of acknowledging them. */
  let acking = true;
  const held: ConsumeMessage[] = [];
  const seen: Record<string, string[]> = { [queue.busy]: [], [queue.idle]: [] };

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    rulesDir = mkdtempSync(join(tmpdir(), 'causeway-lag-rules-'));
    const rulesFile = join(rulesDir, 'rules.yaml');
    writeFileSync(
      rulesFile,
      `rules:\n  - name: stopped queues\n    metric: status\n    threshold: STOP\n    for: ${STOP_FOR_MS}ms\n    scope: { group: "${run}-*" }\n    notify: [{ url: "${receiver.url}/json" }]\n`,
    );
    connection = await amqplib.connect(services.amqpUrl);
    channel = await connection.createChannel();
    for (const name of Object.values(queue)) await channel.assertQueue(name, { durable: false });
    await channel.prefetch(5);
    await channel.consume(queue.busy, (message) => {
      if (!message) return;
      if (acking) channel.ack(message);
      else held.push(message);
    });
    for (let i = 0; i < 5; i++) channel.sendToQueue(queue.idle, Buffer.from(`m${i}`), { timestamp: Date.now() });
    await channel.consume(queue.idle, (message) => message && channel.ack(message));
    publishing = setInterval(() => {
      channel.sendToQueue(queue.busy, Buffer.from('tick'), { timestamp: Date.now() });
    }, 100);

    collector = await startCollector('sqlite', [
      '--rabbitmq-management', services.rabbitmqManagementUrl,
      '--rabbitmq-queues', `${run}-*`,
      '--lag-interval', `${INTERVAL_MS}ms`,
      '--lag-window', String(WINDOW),
      '--alert-rules', rulesFile,
    ]);
    stopWatching = watchStatuses(collector, Object.values(queue), seen);
  }, 60_000);

  afterAll(async () => {
    clearInterval(publishing);
    stopWatching?.();
    await collector?.close();
    for (const name of Object.values(queue)) await channel?.deleteQueue(name).catch(() => undefined);
    await connection?.close().catch(() => undefined);
    await receiver?.close();
    rmSync(rulesDir, { recursive: true, force: true });
  });

  it('a consumer that stops acknowledging turns WARN then STOP, alerts, and resolves when it acknowledges again', async () => {
    await eventually('the busy queue keeping up', async () => {
      const { body } = await collector.get<LagStatusAnswer>('/api/lag/status');
      const status = groupStatus(body, queue.busy);
      return status?.status === 'OK' && status.members === 1 ? status : undefined;
    }, 60_000);
    seen[queue.busy] = [];
    acking = false;

    const firing = await eventually('the STOP alert at the webhook', async () => webhooksFor(receiver, '/json', queue.busy, 'firing')[0], 90_000);
    const statuses = statusesOf(seen[queue.busy]!);
    expect(statuses).toContain('WARN');
    expect(statuses.indexOf('WARN')).toBeLessThan(statuses.indexOf('STOP'));
    const { body: series } = await collector.get<{ series: Array<{ points: Array<{ t: number; status: string; lagSeconds: number | null }> }> }>(
      `/api/lag?group=${encodeURIComponent(queue.busy)}&from=${Date.now() - 120_000}`,
    );
    const points = series.series.flatMap((s) => s.points);
    const firstStop = Math.min(...points.filter((p) => p.status === 'STOP').map((p) => p.t));
    expect(Date.parse(firing.body.event.at) - firstStop).toBeLessThanOrEqual(STOP_FOR_MS + INTERVAL_MS);
    // Lag in seconds from the head message's age grows while nothing is acknowledged.
    expect(Math.max(...points.map((p) => p.lagSeconds ?? 0))).toBeGreaterThan(1);

    acking = true;
    for (const message of held.splice(0)) channel.ack(message);
    const resolved = await eventually('the resolve at the webhook', async () => webhooksFor(receiver, '/json', queue.busy, 'resolved')[0], 90_000);
    expect(resolved.body.event.alertId).toBe(firing.body.event.alertId);
  }, 240_000);

  it('an idle queue with its consumer caught up stays OK and never alerts', () => {
    expect(seen[queue.idle]!.length).toBeGreaterThan(WINDOW * 8);
    expect(new Set(seen[queue.idle])).toEqual(new Set(['OK']));
    expect(receiver.received.filter((r) => JSON.stringify(r.body).includes(queue.idle))).toEqual([]);
  });
});
