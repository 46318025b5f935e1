/**
 * `causeway start --demo` as a user runs it (what `npm start` does): prints the URL, and within
 * seconds the demo shop's events are in the API; SIGTERM stops collector and demo cleanly.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../support/collector.js';

const BIN = resolve(import.meta.dirname, '../../collector/bin/causeway.js');

interface EventSummary { id: string; type: string | null; producer: { service: string } | null }

function startDemoCli(dataDir: string): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, [BIN, 'start', '--demo', '--port', '0', '--data-dir', dataDir, '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo did not print its URL:\n${out}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match && out.includes('demo:')) {
        clearTimeout(timer);
        resolvePromise({ child, url: match[1]!, output: () => out });
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`causeway exited with ${code}:\n${out}`)));
  });
}

function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<number | null> {
  return new Promise((resolvePromise) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolvePromise(child.exitCode);
    child.once('exit', (code) => resolvePromise(code));
    child.kill(signal);
  });
}

describe('causeway start --demo', () => {
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  afterEach(async () => {
    await Promise.all(children.splice(0).map((c) => stop(c, 'SIGKILL')));
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('prints the URL, fills the API with the shop events within seconds, and stops cleanly on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'causeway-demo-'));
    dirs.push(dataDir);
    const { child, url, output } = await startDemoCli(dataDir);
    children.push(child);
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

    expect(await stop(child, 'SIGTERM')).toBe(0);
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
