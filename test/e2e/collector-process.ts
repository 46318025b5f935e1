/**
 * The collector as a user runs it — `node collector/bin/causeway.js start …` in its own process —
 * for the browser tests: waits for the URL it prints, keeps its output for failure messages, and
 * stops it (SIGTERM, then SIGKILL) afterwards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const REPO_ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(REPO_ROOT, 'collector/bin/causeway.js');

export interface CollectorProcess {
  url: string;
  /** Everything the process printed so far (stdout and stderr), for assertion messages. */
  output(): string;
  stop(): Promise<void>;
}

export async function startCollectorProcess(extraArgs: string[] = [], startTimeoutMs = 60_000): Promise<CollectorProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'causeway-e2e-'));
  const args = [BIN, 'start', '--port', '0', '--data-dir', dataDir, '--log-level', 'warn', ...extraArgs];
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const cleanup = async (): Promise<void> => {
    await stopChild(child);
    rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    const url = await new Promise<string>((resolveUrl, reject) => {
      const timer = setTimeout(() => reject(new Error(`the collector printed no URL within ${startTimeoutMs} ms:\n${output}`)), startTimeoutMs);
      const onData = (): void => {
        const match = /listening on (http:\/\/\S+)/.exec(output);
        if (!match) return;
        clearTimeout(timer);
        child.stdout.off('data', onData);
        resolveUrl(match[1]!);
      };
      child.stdout.on('data', onData);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the collector exited (${code ?? signal}) before listening:\n${output}`));
      });
    });
    return { url, output: () => output, stop: cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveStop) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(kill);
      resolveStop();
    });
    child.kill('SIGTERM');
  });
}
