/**
 * `causeway start --demo` as a user runs it (what `npm start` does): prints the URL, and within
 * seconds the demo shop's events are in the API; SIGTERM stops collector and demo cleanly.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../support/collector.js';
import { CAUSEWAY_BIN as BIN, startCollectorProcess, type CollectorProcess } from '../support/collector-process.js';

interface EventSummary { id: string; type: string | null; producer: { service: string } | null }

describe('causeway start --demo', () => {
  const dirs: string[] = [];
  const running: CollectorProcess[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((c) => c.stop('SIGKILL')));
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('prints the URL, fills the API with the shop events within seconds, and stops cleanly on SIGTERM', async () => {
    const demo = await startCollectorProcess(['--demo'], { startTimeoutMs: 30_000, readyWhen: (out) => out.includes('demo:') });
    running.push(demo);
    const { url, output } = demo;
    expect(output()).toMatch(/demo: +five shop services over the in-process broker; open http:\/\/127\.0\.0\.1:\d+\//);

    const orders = await eventually(
      'OrderPlaced events',
      async () => {
        const body = (await (await fetch(`${url}/api/events?type=OrderPlaced`)).json()) as { events: EventSummary[] };
        return body.events.length > 0 ? body.events : undefined;
      },
      15_000,
    );
    expect(orders[0]?.producer?.service).toBe('order-service');
    const services = await eventually('events from all five services', async () => {
      const body = (await (await fetch(`${url}/api/events?limit=500`)).json()) as { events: EventSummary[] };
      const producers = new Set(body.events.map((e) => e.producer?.service));
      return producers.size >= 5 ? [...producers].sort() : undefined;
    });
    expect(services).toEqual(['inventory-service', 'notification-service', 'order-service', 'payment-service', 'shipping-service']);

    expect(await demo.stop('SIGTERM')).toBe(0);
  });

  it('refuses a bad broker URL with a message that names it', () => {
    const result = spawnSync(process.execPath, [BIN, 'start', '--demo', '--broker', 'nats://127.0.0.1:4222'], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--broker must be kafka://host:port or amqp://host:port, got "nats://127.0.0.1:4222"');
  });

  it('explains when the demo broker cannot be reached, and exits non-zero', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'causeway-demo-'));
    dirs.push(dataDir);
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    const result = spawnSync(process.execPath, [BIN, 'start', '--demo', '--broker', 'amqp://127.0.0.1:1', '--port', '0', '--data-dir', dataDir, '--log-level', 'warn'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('causeway: the demo could not start:');
  });
});
