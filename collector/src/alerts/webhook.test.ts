import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AlertEngine } from './engine.js';
import { ruleFromBody } from './rules.js';
import { groupStatus, MemoryAlertStore } from './testing/fakes.js';
import type { AlertEvent } from './types.js';
import { WebhookNotifier } from './webhook.js';

interface Received {
  path: string;
  contentType: string | undefined;
  body: unknown;
}

type Handler = (request: IncomingMessage, response: ServerResponse, count: number) => void;

const servers: Array<{ close(): void; closeAllConnections(): void }> = [];
afterEach(() => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

/** A real HTTP server on a free port that records every request and answers with `handler`. */
async function receiver(handler: Handler = (_request, response) => response.end('ok')) {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ path: request.url ?? '', contentType: request.headers['content-type'], body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      handler(request, response, received.length);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { received, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function recordingLog() {
  const warnings: Array<{ o: Record<string, unknown>; m: string | undefined }> = [];
  return { warnings, log: { info: () => {}, warn: (o: object, m?: string) => warnings.push({ o: o as Record<string, unknown>, m }) } };
}

const AT = Date.parse('2030-01-31T18:00:00.000Z');

function event(state: 'firing' | 'resolved' = 'firing'): AlertEvent {
  const alertId = 'r1|default|orders-svc|orders';
  return {
    id: `${alertId}|${state}|${AT}`,
    alertId,
    ruleId: 'r1',
    ruleName: 'backlog <orders>',
    metric: 'lag_messages',
    cluster: 'default',
    group: 'orders-svc',
    destination: 'orders',
    state,
    at: AT,
    value: 1204,
    threshold: 1000,
    message: 'orders-svc on orders: 1,204 messages behind (threshold 1,000) for 2m',
    reason: 'lag grows & nobody <commits>',
    silenced: false,
  };
}

function ruleTo(...targets: Array<{ url: string; format?: 'json' | 'slack' }>) {
  return ruleFromBody({ id: 'r1', name: 'backlog <orders>', metric: 'lag_messages', threshold: 1000, notify: targets }, 'api');
}

describe('WebhookNotifier', () => {
  it('posts the JSON payload with ISO times', async () => {
    const { received, url } = await receiver();
    const notifier = new WebhookNotifier();
    notifier.send(event(), ruleTo({ url: `${url}/hooks/causeway` }));
    await until(() => received.length === 1);
    expect(received[0]).toEqual({
      path: '/hooks/causeway',
      contentType: 'application/json',
      body: { version: 1, event: { ...event(), at: '2030-01-31T18:00:00.000Z' }, rule: { id: 'r1', name: 'backlog <orders>', metric: 'lag_messages' }, links: {} },
    });
    await until(() => notifier.stats().delivered === 1);
    await notifier.close();
  });

  it('posts a Slack incoming-webhook message with a marker for firing and resolved, escaping mrkdwn', async () => {
    const { received, url } = await receiver();
    const notifier = new WebhookNotifier();
    const rule = ruleTo({ url, format: 'slack' });
    notifier.send(event('firing'), rule);
    notifier.send(event('resolved'), rule);
    await until(() => received.length === 2);
    const bodies = received.map((item) => item.body as { text: string; blocks: Array<{ type: string; text?: { type: string; text: string } }> });
    const firing = bodies.find((body) => body.text.startsWith('[FIRING]'));
    const resolved = bodies.find((body) => body.text.startsWith('[RESOLVED]'));
    expect(firing?.text).toBe('[FIRING] backlog <orders>: orders-svc on orders: 1,204 messages behind (threshold 1,000) for 2m');
    expect(firing?.blocks[0]).toEqual({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: '*:red_circle: FIRING* *backlog &lt;orders&gt;*\norders-svc on orders: 1,204 messages behind (threshold 1,000) for 2m\n_lag grows &amp; nobody &lt;commits&gt;_',
      },
    });
    expect(resolved?.blocks[0]?.text?.text).toMatch(/^\*:large_green_circle: RESOLVED\* /);
    expect(firing?.blocks[1]).toMatchObject({ type: 'context' });
    await notifier.close();
  });

  it('sends to every target of the rule', async () => {
    const first = await receiver();
    const second = await receiver();
    const notifier = new WebhookNotifier();
    notifier.send(event(), ruleTo({ url: first.url }, { url: second.url, format: 'slack' }));
    await until(() => first.received.length === 1 && second.received.length === 1);
    expect(second.received[0]?.body).toHaveProperty('blocks');
    await notifier.close();
  });

  it('retries on 500 and 429, then succeeds', async () => {
    const { received, url } = await receiver((_request, response, count) => {
      response.statusCode = count === 1 ? 500 : count === 2 ? 429 : 200;
      if (count === 2) response.setHeader('retry-after', '0');
      response.end();
    });
    const { warnings, log } = recordingLog();
    const notifier = new WebhookNotifier({ backoffMs: 20, log });
    notifier.send(event(), ruleTo({ url }));
    await until(() => notifier.stats().delivered === 1);
    expect(received).toHaveLength(3);
    expect(received[2]?.body).toEqual(received[0]?.body);
    expect(warnings).toEqual([]);
    await notifier.close();
  });

  it('does not retry a 400, and logs the failure', async () => {
    const { received, url } = await receiver((_request, response) => {
      response.statusCode = 400;
      response.end('bad payload');
    });
    const { warnings, log } = recordingLog();
    const notifier = new WebhookNotifier({ backoffMs: 10, log });
    notifier.send(event(), ruleTo({ url }));
    await until(() => notifier.stats().failed === 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(received).toHaveLength(1);
    expect(warnings).toMatchObject([{ m: 'alert notification failed', o: { url, attempts: 1, error: 'HTTP 400' } }]);
    await notifier.close();
  });

  it('gives up after the retries when the receiver keeps failing', async () => {
    const { received, url } = await receiver((_request, response) => {
      response.statusCode = 503;
      response.end();
    });
    const { warnings, log } = recordingLog();
    const notifier = new WebhookNotifier({ backoffMs: 5, retries: 2, log });
    notifier.send(event(), ruleTo({ url }));
    await until(() => notifier.stats().failed === 1);
    expect(received).toHaveLength(3);
    expect(warnings).toMatchObject([{ o: { attempts: 3, error: 'HTTP 503' } }]);
    await notifier.close();
  });

  it('times out a receiver that does not answer, retrying it', async () => {
    const { received, url } = await receiver(() => {
      // Never answers.
    });
    const { warnings, log } = recordingLog();
    const notifier = new WebhookNotifier({ timeoutMs: 200, retries: 1, backoffMs: 10, log });
    notifier.send(event(), ruleTo({ url }));
    await until(() => notifier.stats().failed === 1);
    expect(received).toHaveLength(2);
    expect(warnings).toMatchObject([{ o: { attempts: 2, error: 'timed out after 200 ms' } }]);
    await notifier.close();
  });

  it('retries network errors', async () => {
    const { url } = await receiver();
    servers.splice(0).forEach((server) => server.close());
    const { warnings, log } = recordingLog();
    const notifier = new WebhookNotifier({ retries: 1, backoffMs: 5, log });
    notifier.send(event(), ruleTo({ url }));
    await until(() => notifier.stats().failed === 1);
    expect(warnings[0]?.o).toMatchObject({ attempts: 2 });
    expect(String(warnings[0]?.o.error)).toMatch(/fetch failed|ECONNREFUSED/);
    await notifier.close();
  });

  it('bounds its queue, dropping the oldest deliveries and counting them', async () => {
    const held: ServerResponse[] = [];
    const { received, url } = await receiver((_request, response) => held.push(response));
    const { warnings, log } = recordingLog();
    const notifier = new WebhookNotifier({ maxQueue: 2, concurrency: 1, log });
    const rule = ruleTo({ url });
    for (let index = 0; index < 5; index++) notifier.send({ ...event(), id: `e${index}` }, rule);
    expect(notifier.stats()).toEqual({ delivered: 0, failed: 0, dropped: 2, queued: 3 });
    expect(warnings.filter((warning) => warning.m?.includes('queue full'))).toHaveLength(2);
    await until(() => held.length === 1);
    held.shift()?.end();
    await until(() => held.length === 1);
    held.shift()?.end();
    await until(() => held.length === 1);
    held.shift()?.end();
    await until(() => notifier.stats().delivered === 3);
    expect(received.map((item) => (item.body as { event: { id: string } }).event.id)).toEqual(['e0', 'e3', 'e4']);
    await notifier.close();
  });

  it('close waits for queued deliveries', async () => {
    const { received, url } = await receiver((_request, response) => setTimeout(() => response.end(), 100));
    const notifier = new WebhookNotifier();
    notifier.send(event(), ruleTo({ url }));
    notifier.send(event('resolved'), ruleTo({ url }));
    await notifier.close();
    expect(received).toHaveLength(2);
    expect(notifier.stats()).toMatchObject({ delivered: 2, queued: 0 });
    notifier.send(event(), ruleTo({ url }));
    expect(notifier.stats().queued).toBe(0);
  });

  it('is what the engine uses by default: firing and resolved reach the webhook, silenced ones do not', async () => {
    const { received, url } = await receiver();
    const engine = await AlertEngine.create({ store: new MemoryAlertStore() });
    const until_ = new Date(AT + 3_600_000).toISOString();
    await engine.upsertRule({ id: 'r', name: 'backlog', metric: 'lag_messages', threshold: 10, notify: [{ url }], silences: [{ group: 'quiet', until: until_ }] });
    await engine.evaluate([groupStatus('loud', { lag: 50 }), groupStatus('quiet', { lag: 50 })], AT);
    await engine.evaluate([groupStatus('loud', { lag: 0 }), groupStatus('quiet', { lag: 0 })], AT + 1_000);
    await engine.close();
    expect(received.map((item) => (item.body as { event: { group: string; state: string } }).event).map((item) => `${item.group}:${item.state}`)).toEqual(['loud:firing', 'loud:resolved']);
  });
});
