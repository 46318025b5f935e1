/**
 * Zero-code use, as an operator would run it: real `node` processes running a plain kafkajs app
 * (fixtures/app) with `--import` (ESM) or `-r` (CommonJS) registration, exporting OTLP/HTTP JSON to
 * a receiver in this test. Runs against the built package (`dist/`), like a user's app would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { services, uniqueName } from '../../../test/support/services.js';
import { KIND_CONSUMER, KIND_PRODUCER, startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './fixtures/otlp-receiver.js';

const appDir = fileURLToPath(new URL('./fixtures/app/', import.meta.url));
const builtRegister = fileURLToPath(new URL('../../dist/register.js', import.meta.url));

let receiver: OtlpReceiver;
beforeAll(async () => {
  if (!existsSync(builtRegister)) throw new Error(`${builtRegister} is missing: build the package first (npx tsc -b instrumentation)`);
  receiver = await startOtlpReceiver();
});
afterAll(() => receiver?.close());

interface RunResult { code: number | null; stdout: string; stderr: string }

/** The test runner's environment minus OTEL_* settings that would change what the apps export. */
function baseEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('OTEL_')));
}

function runApp(nodeArgs: string[], env: Record<string, string>): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, nodeArgs, { cwd: appDir, env: { ...baseEnv(), ...env }, timeout: 45_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

function scenarioEnv(topic: string): Record<string, string> {
  return {
    FIXTURE_KAFKA_BROKERS: services.kafkaBrokers.join(','),
    FIXTURE_TOPIC: topic,
    FIXTURE_GROUP: uniqueName('cw-zero-code'),
    FIXTURE_RECEIVER: receiver.url,
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
  };
}

/** The app's send and process spans for `topic`; process must be the child of send. */
function expectSendThenProcess(topic: string, service: string): void {
  const spans = receiver.spans.filter((span) => span.attributes['messaging.destination.name'] === topic);
  const send = spans.find((span) => span.name === `send ${topic}`);
  const processing = spans.find((span) => span.name === `process ${topic}`);
  expect(spans.map((span) => span.name).sort()).toEqual([`process ${topic}`, `send ${topic}`]);
  expect(send).toMatchObject<Partial<ReceivedSpan>>({ service, kind: KIND_PRODUCER, scope: '@causeway/instrumentation/kafkajs' });
  expect(processing).toMatchObject<Partial<ReceivedSpan>>({ service, kind: KIND_CONSUMER, traceId: send!.traceId, parentSpanId: send!.spanId });
  expect(send!.attributes).toMatchObject({ 'messaging.system': 'kafka', 'messaging.kafka.message.key': 'order-1' });
  expect(processing!.attributes['messaging.message.id']).toBe(send!.attributes['messaging.message.id']);
}

describe('zero-code registration', () => {
  it('patches kafkajs imported from an ES module app (node --import)', async () => {
    const topic = uniqueName('cw-zc-esm');
    const run = await runApp(['--import', '@causeway/instrumentation/register', 'zero-code-app.mjs'], { ...scenarioEnv(topic), OTEL_SERVICE_NAME: 'esm-app' });
    expect(run.stderr).toBe('');
    expect(run).toMatchObject({ code: 0, stdout: 'consumed: hello from fixture\n' });
    expectSendThenProcess(topic, 'esm-app');
  });

  it('patches kafkajs required from a CommonJS app (node -r), naming the service after its package', async () => {
    const topic = uniqueName('cw-zc-cjs');
    const run = await runApp(['-r', '@causeway/instrumentation/register', 'zero-code-app.cjs'], scenarioEnv(topic));
    expect(run.stderr).toBe('');
    expect(run).toMatchObject({ code: 0, stdout: 'consumed: hello from fixture\n' });
    expectSendThenProcess(topic, 'causeway-fixture-app');
  });

  it('flushes spans when a long-running app is stopped by SIGTERM, and still dies of that signal', async () => {
    const topic = uniqueName('cw-zc-signal');
    const child = spawn(process.execPath, ['--import', '@causeway/instrumentation/register', 'long-running-app.mjs'], {
      cwd: appDir,
      // A 10-minute batch delay: spans can only reach the receiver through the flush on exit.
      env: { ...baseEnv(), ...scenarioEnv(topic), OTEL_SERVICE_NAME: 'daemon', OTEL_BSP_SCHEDULE_DELAY: '600000' },
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('consumed:') && resolve());
        child.on('exit', () => reject(new Error('app exited before consuming')));
      });
      expect(receiver.spans.filter((span) => span.attributes['messaging.destination.name'] === topic)).toHaveLength(0);
      child.kill('SIGTERM');
      expect(await exited).toEqual({ code: null, signal: 'SIGTERM' });
      expectSendThenProcess(topic, 'daemon');
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('joins an OpenTelemetry SDK the app already runs instead of starting a second one', async () => {
    const topic = uniqueName('cw-zc-existing');
    const run = await runApp(['existing-sdk-app.mjs'], scenarioEnv(topic));
    expect(run.stderr).toBe('');
    expect(run).toMatchObject({ code: 0, stdout: '{"ownsSdk":false}\nconsumed: hello from fixture\n' });
    expectSendThenProcess(topic, 'host-app');
  });
});
