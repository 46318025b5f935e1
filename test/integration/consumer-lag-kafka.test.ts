/**
 * Consumer lag end to end on a real Kafka: a collector polling the cluster every second judges
 * groups, raises alerts to a local webhook receiver and resolves them.
 *
 * - a consumer that keeps up, then is paused while the producer goes on: WARN, then STOP; the
 *   status rule's alert reaches the webhook within one interval plus its `for`; resumed: OK and
 *   the alert resolves;
 * - an idle topic whose consumer is caught up stays OK and never alerts;
 * - a group whose offsets are reset backwards shows REWIND;
 * - a group with lag and no members (never had any) alerts, through a rule made with the API.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startCollector, type RunningCollector } from '../support/collector.js';
import { services, uniqueName } from '../support/services.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';
import { groupStatus, statusesOf, watchStatuses, webhooksFor, type LagStatusAnswer } from '../support/lag.js';
import { createTopicsWithLeaders } from '../support/kafka-topics.js';

const INTERVAL_MS = 1000;
const WINDOW = 5;
const STOP_FOR_MS = 1000;
const ADMIN_TOKEN = 'lag-test-token';

const run = uniqueName('lagk');
const topic = { busy: `${run}-busy`, idle: `${run}-idle`, rewind: `${run}-rewind`, empty: `${run}-empty` };
const group = { busy: `${run}-busy-g`, idle: `${run}-idle-g`, rewind: `${run}-rewind-g`, empty: `${run}-empty-g` };

describe('consumer lag on Kafka', () => {
  const kafka = new Kafka({ clientId: 'lag-test', brokers: services.kafkaBrokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  let producer: Producer;
  let busyConsumer: Consumer;
  let idleConsumer: Consumer;
  let collector: RunningCollector;
  let receiver: WebhookReceiver;
  let rulesDir: string;
  let producing: NodeJS.Timeout | undefined;
  /** Every status of the busy, idle and rewound groups seen while the tests ran. */
  const seen: Record<string, string[]> = { [group.busy]: [], [group.idle]: [], [group.rewind]: [] };
  let stopWatching: (() => void) | undefined;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    rulesDir = mkdtempSync(join(tmpdir(), 'causeway-lag-rules-'));
    const rulesFile = join(rulesDir, 'rules.yaml');
    writeFileSync(
      rulesFile,
      [
        'rules:',
        '  - name: stopped consumers',
        '    metric: status',
        '    threshold: STOP',
        `    for: ${STOP_FOR_MS}ms`,
        `    scope: { group: "${run}-*" }`,
        '    notify:',
        `      - url: ${receiver.url}/json`,
        `      - url: ${receiver.url}/slack`,
        '        format: slack',
        '  - name: any trouble',
        '    metric: status',
        '    threshold: WARN',
        '    for: 0s',
        `    scope: { group: "${run}-*" }`,
        `    notify: [{ url: "${receiver.url}/trouble" }]`,
      ].join('\n'),
    );

    await admin.connect();
    await createTopicsWithLeaders(admin, Object.values(topic).map((name) => ({ topic: name, numPartitions: 2 })));
    // Idempotent: a send retried after a timeout must not write the rewind topic's messages twice,
    // or the lag expected after the reset would no longer be what the test produced.
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const batch = (n: number) => Array.from({ length: n }, (_, i) => ({ key: String(i), value: `m${i}` }));
    await producer.send({ topic: topic.idle, messages: batch(10) });
    await producer.send({ topic: topic.rewind, messages: batch(30) });
    await producer.send({ topic: topic.empty, messages: batch(40) });

    busyConsumer = await consume(kafka, group.busy, topic.busy);
    idleConsumer = await consume(kafka, group.idle, topic.idle);
    const rewindConsumer = await consume(kafka, group.rewind, topic.rewind);
    await waitForCommitted(admin, group.rewind, topic.rewind, 30);
    await rewindConsumer.disconnect();
    // A group that never had a member: its offsets are set by hand at the start of the log.
    await admin.setOffsets({ groupId: group.empty, topic: topic.empty, partitions: [0, 1].map((partition) => ({ partition, offset: '0' })) });

    producing = setInterval(() => {
      void producer.send({ topic: topic.busy, messages: batch(2) }).catch(() => undefined);
    }, 100);

    collector = await startCollector('sqlite', [
      '--kafka', services.kafkaBrokers.join(','),
      '--kafka-groups', `${run}-*`,
      '--lag-interval', `${INTERVAL_MS}ms`,
      '--lag-window', String(WINDOW),
      '--alert-rules', rulesFile,
      '--admin-token', ADMIN_TOKEN,
    ]);
    stopWatching = watchStatuses(collector, [group.busy, group.idle, group.rewind], seen);
  }, 120_000);

  afterAll(async () => {
    clearInterval(producing);
    stopWatching?.();
    await Promise.allSettled([busyConsumer?.disconnect(), idleConsumer?.disconnect(), producer?.disconnect()]);
    await collector?.close();
    await admin.deleteTopics({ topics: Object.values(topic) }).catch(() => undefined);
    await admin.disconnect();
    await receiver?.close();
    rmSync(rulesDir, { recursive: true, force: true });
  });

  it('refuses rule changes without the admin token, and takes a rule made through the API', async () => {
    const rule = { id: `${run}-empty-lag`, name: 'lag with nobody consuming', metric: 'lag_messages', threshold: 5, for: '1s', scope: { group: group.empty }, notify: [{ url: `${receiver.url}/api-rule` }] };
    const refused = await fetch(`${collector.url}/api/alerts/rules`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rule) });
    expect(refused.status).toBe(401);
    const created = await fetch(`${collector.url}/api/alerts/rules`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      body: JSON.stringify(rule),
    });
    expect(created.status).toBe(201);
    const bad = await fetch(`${collector.url}/api/alerts/rules`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      body: JSON.stringify({ ...rule, id: `${run}-bad`, threshold: 'STOP' }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toMatch(/threshold/);
    const { body } = await collector.get<{ rules: Array<{ id: string; source: string }> }>('/api/alerts/rules');
    expect(body.rules.map((r) => r.source).sort()).toEqual(['api', 'file', 'file']);
  });

  it('a group with lag and no members alerts', async () => {
    const alert = await eventually('the empty group\'s alert at the webhook', async () => webhooksFor(receiver, '/api-rule', group.empty, 'firing')[0], 40_000);
    expect(alert.body.event.value).toBeGreaterThanOrEqual(40);
    // Its status turns STOP once a whole window of polls saw no progress.
    const status = await eventually('STOP for the empty group', async () => {
      const { body } = await collector.get<LagStatusAnswer>('/api/lag/status');
      const current = groupStatus(body, group.empty);
      return current?.status === 'STOP' ? current : undefined;
    }, 20_000);
    expect(status).toMatchObject({ members: 0, lag: 40 });
    expect(status?.reason).toMatch(/no consumers/);
  }, 60_000);

  it('a group whose offsets go backwards shows REWIND', async () => {
    // Wait until the collector has seen the group at the end of its log, then reset it.
    await eventually('the rewind group caught up', async () => {
      const { body } = await collector.get<LagStatusAnswer>('/api/lag/status');
      const status = groupStatus(body, group.rewind);
      return status?.status === 'OK' && status.lag === 0 && status.partitions.length === 2 && !/collecting/.test(status.reason) ? status : undefined;
    }, 30_000);
    seen[group.rewind] = [];
    // Watched in the background: REWIND lasts one window of polls, and setOffsets may take as long.
    const rewound = eventually('REWIND', async () => {
      const { body } = await collector.get<LagStatusAnswer>('/api/lag/status');
      const status = groupStatus(body, group.rewind);
      return status?.status === 'REWIND' ? status : undefined;
    }, 20_000);
    const logEnds = (await admin.fetchTopicOffsets(topic.rewind)).map((p) => Number(p.high));
    expect(logEnds.reduce((a, b) => a + b, 0)).toBe(30);
    await admin.setOffsets({ groupId: group.rewind, topic: topic.rewind, partitions: [0, 1].map((partition) => ({ partition, offset: '0' })) });
    const status = await rewound;
    // Both partitions start over: the whole log is lag again, and the reason names the partition
    // that went back the furthest.
    expect(status.lag).toBe(30);
    expect(status.reason).toMatch(new RegExp(`/\\d: offset went back from ${Math.max(...logEnds)} to 0$`));
    expect(statusesOf(seen[group.rewind]!)).toContain('REWIND');
  }, 60_000);

  it('a paused consumer turns WARN then STOP, alerts within an interval plus `for`, and resolves once resumed', async () => {
    await eventually('the busy group keeping up', async () => {
      const { body } = await collector.get<LagStatusAnswer>('/api/lag/status');
      const status = groupStatus(body, group.busy);
      return status?.status === 'OK' && status.partitions.length === 2 ? status : undefined;
    }, 30_000);
    seen[group.busy] = [];
    busyConsumer.pause([{ topic: topic.busy }]);

    const firing = await eventually('the STOP alert at the JSON webhook', async () => webhooksFor(receiver, '/json', group.busy, 'firing')[0], 40_000);
    const statuses = statusesOf(seen[group.busy]!);
    expect(statuses).toContain('WARN');
    expect(statuses.indexOf('WARN')).toBeLessThan(statuses.indexOf('STOP'));
    expect(firing.body.rule.name).toBe('stopped consumers');
    // The alert fired at most one evaluation interval plus `for` after the first STOP poll.
    const { body: series } = await collector.get<{ series: Array<{ group: string; points: Array<{ t: number; status: string }> }> }>(
      `/api/lag?group=${encodeURIComponent(group.busy)}&from=${Date.now() - 120_000}`,
    );
    const firstStop = Math.min(...series.series.flatMap((s) => s.points.filter((p) => p.status === 'STOP').map((p) => p.t)));
    expect(Date.parse(firing.body.event.at) - firstStop).toBeLessThanOrEqual(STOP_FOR_MS + INTERVAL_MS);
    const slack = await eventually('the Slack-shaped copy', async () => receiver.received.find((r) => r.path === '/slack' && JSON.stringify(r.body).includes(group.busy)), 10_000);
    expect(slack.body).toMatchObject({ text: expect.stringContaining(group.busy) });

    const { body: active } = await collector.get<{ active: Array<{ group: string; ruleName: string; state: string }> }>('/api/alerts');
    expect(active.active).toContainEqual(expect.objectContaining({ group: group.busy, ruleName: 'stopped consumers', state: 'firing' }));

    busyConsumer.resume([{ topic: topic.busy }]);
    const resolved = await eventually('the resolve at the JSON webhook', async () => webhooksFor(receiver, '/json', group.busy, 'resolved')[0], 40_000);
    expect(resolved.body.event.alertId).toBe(firing.body.event.alertId);
    const { body } = await collector.get<LagStatusAnswer>('/api/lag/status');
    expect(groupStatus(body, group.busy)?.status).not.toBe('STOP');
    const { body: history } = await collector.get<{ history: Array<{ group: string; state: string; ruleName: string }> }>(`/api/alerts?group=${encodeURIComponent(group.busy)}`);
    expect(history.history.filter((e) => e.ruleName === 'stopped consumers').map((e) => e.state)).toEqual(['resolved', 'firing']);
  }, 120_000);

  it('an idle topic whose consumer is caught up stays OK and never alerts', async () => {
    // By now the collector has judged the idle group for the whole of the tests above (tens of polls).
    expect(seen[group.idle]!.length).toBeGreaterThan(WINDOW * 4);
    expect(new Set(seen[group.idle])).toEqual(new Set(['OK']));
    expect(receiver.received.filter((r) => JSON.stringify(r.body).includes(group.idle))).toEqual([]);
    const { body } = await collector.get<{ history: unknown[] }>(`/api/alerts?group=${encodeURIComponent(group.idle)}`);
    expect(body.history).toEqual([]);
  });

  it('serves the lag as Prometheus metrics', async () => {
    const text = await (await fetch(`${collector.url}/metrics`)).text();
    expect(text).toMatch(new RegExp(`causeway_consumer_lag_messages\\{[^}]*group="${group.empty}"[^}]*\\} 40`));
    expect(text).toMatch(new RegExp(`causeway_consumer_status\\{[^}]*group="${group.empty}"[^}]*\\} 4`));
  });
});

async function consume(kafka: Kafka, groupId: string, topicName: string): Promise<Consumer> {
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 500 });
  await consumer.connect();
  await consumer.subscribe({ topic: topicName, fromBeginning: true });
  await consumer.run({ autoCommitInterval: 200, eachMessage: async () => undefined });
  return consumer;
}

async function waitForCommitted(admin: ReturnType<Kafka['admin']>, groupId: string, topicName: string, total: number): Promise<void> {
  await eventually(`${groupId} committed ${total}`, async () => {
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topicName] });
    const sum = (offsets?.partitions ?? []).reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
    return sum >= total ? true : undefined;
  }, 30_000);
}
