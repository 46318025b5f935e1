/**
 * The collector as a user starts it: the `causeway` bin, prints its URL, serves OTLP and the API,
 * keeps what it acknowledged across a restart, and refuses bad flags with a clear message.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startCollectorProcess, type CollectorProcess } from '../support/collector-process.js';

// The bin npm links for users, not the script behind it: `node_modules/.bin/causeway` must work.
const BIN = resolve(import.meta.dirname, '../../node_modules/.bin/causeway');

function otlpJson(traceId: string, spanId: string, messageId: string): unknown {
  const now = BigInt(Date.now()) * 1_000_000n;
  return {
    resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'cli-test' } }] },
      scopeSpans: [{
        scope: { name: 'manual' },
        spans: [{
          traceId, spanId, name: 'send cli-topic', kind: 4,
          startTimeUnixNano: String(now), endTimeUnixNano: String(now + 1_000_000n),
          attributes: [
            { key: 'messaging.system', value: { stringValue: 'kafka' } },
            { key: 'messaging.operation.type', value: { stringValue: 'send' } },
            { key: 'messaging.destination.name', value: { stringValue: 'cli-topic' } },
            { key: 'messaging.message.id', value: { stringValue: messageId } },
          ],
        }],
      }],
    }],
  };
}

describe('causeway start', () => {
  const dirs: string[] = [];
  const running: CollectorProcess[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((c) => c.stop('SIGKILL')));
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('serves OTLP and the API on one port and keeps acknowledged events across a hard kill', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'causeway-cli-'));
    dirs.push(dataDir);
    const first = await startCollectorProcess([], { dataDir });
    running.push(first);

    const health = await fetch(`${first.url}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', store: 'sqlite' });

    const messageId = `cli-${Date.now()}`;
    const posted = await fetch(`${first.url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(otlpJson('5b8efff798038103d269b633813fc60c', 'eee19b7ec3c1b174', messageId)),
    });
    expect(posted.status).toBe(200);
    // Crash right after the acknowledgement: the write-ahead log must bring the event back.
    await first.stop('SIGKILL');

    const second = await startCollectorProcess([], { dataDir });
    running.push(second);
    let status = 0;
    for (let i = 0; i < 40 && status !== 200; i++) {
      status = (await fetch(`${second.url}/api/events/${messageId}`)).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 250));
    }
    expect(status).toBe(200);
    const event = (await (await fetch(`${second.url}/api/events/${messageId}`)).json()) as { producer: { service: string }; destination: string };
    expect(event.producer.service).toBe('cli-test');
    expect(event.destination).toBe('cli-topic');

    expect(await second.stop('SIGTERM')).toBe(0);
  });

  it('refuses a bad flag with a message that names it', () => {
    const result = spawnSync(BIN, ['start', '--port', 'eighty'], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--port must be an integer between 0 and 65535, got "eighty"');
  });
});
