/**
 * The collector as a user runs it — `node collector/bin/causeway.js start …` in its own process —
 * for the CLI, demo and browser tests and the UI benchmark: waits for the URL it prints, keeps its
 * output for failure messages, and stops it with the signal the test chooses.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const REPO_ROOT = resolve(import.meta.dirname, '../..');
export const CAUSEWAY_BIN = join(REPO_ROOT, 'collector/bin/causeway.js');

export interface CollectorProcess {
  url: string;
  /** Everything the process printed so far (stdout and stderr), for assertion messages. */
  output(): string;
  /**
   * Stop it and resolve with its exit code (null when a signal ended it). SIGTERM falls back to
   * SIGKILL after a grace period. A data dir the helper created is removed; one passed in is kept.
   */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface CollectorProcessOptions {
  /** Reuse a data dir (e.g. to restart on the same write-ahead log); default a fresh temp dir. */
  dataDir?: string;
  startTimeoutMs?: number;
  /** Beyond the printed URL, what the output must show before the process counts as started. */
  readyWhen?: (output: string) => boolean;
}

export async function startCollectorProcess(extraArgs: string[] = [], options: CollectorProcessOptions = {}): Promise<CollectorProcess> {
  const { startTimeoutMs = 60_000, readyWhen = () => true } = options;
  const ownDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'causeway-cli-'));
  const args = [CAUSEWAY_BIN, 'start', '--port', '0', '--data-dir', dataDir, '--log-level', 'warn', ...extraArgs];
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const stop = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> => {
    const code = await stopChild(child, signal);
    if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
    return code;
  };

  try {
    const url = await new Promise<string>((resolveUrl, reject) => {
      const timer = setTimeout(() => reject(new Error(`the collector was not ready within ${startTimeoutMs} ms:\n${output}`)), startTimeoutMs);
      const onData = (): void => {
        const match = /listening on (http:\/\/\S+)/.exec(output);
        if (!match || !readyWhen(output)) return;
        clearTimeout(timer);
        child.stdout.off('data', onData);
        resolveUrl(match[1]!);
      };
      child.stdout.on('data', onData);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the collector exited (${code ?? signal}) before it was ready:\n${output}`));
      });
    });
    return { url, output: () => output, stop };
  } catch (err) {
    await stop('SIGKILL');
    throw err;
  }
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals, graceMs = 10_000): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolveStop) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', (code) => {
      clearTimeout(kill);
      resolveStop(code);
    });
    child.kill(signal);
  });
}
