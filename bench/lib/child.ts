/**
 * Benchmark parts that need their own process (a collector whose memory and CPU are its own, a
 * produce/consume loop whose patching is global) run as TypeScript children through tsx, talking
 * over the IPC channel.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const benchDir = fileURLToPath(new URL('..', import.meta.url));

export interface ChildOptions {
  env?: NodeJS.ProcessEnv;
  /** Extra Node flags, e.g. `--cpu-prof`. */
  nodeFlags?: string[];
}

/** Starts `bench/<script>` with an IPC channel (a .ts file through tsx, a .js file as it is); its output goes to ours. */
export function startChild(script: string, args: string[] = [], options: ChildOptions = {}): ChildProcess {
  return fork(new URL(`../${script}`, import.meta.url), args, {
    env: { ...process.env, ...options.env },
    execArgv: [...(options.nodeFlags ?? []), ...(script.endsWith('.ts') ? ['--import', 'tsx'] : [])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/** The next IPC message of `type` from the child, or an error when it exits first. */
export function nextMessage<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: unknown) => {
      const m = message as { type?: string; error?: string };
      if (m.type === 'error') {
        cleanup();
        reject(new Error(m.error ?? 'child failed'));
      } else if (m.type === type) {
        cleanup();
        resolve(message as T);
      }
    };
    const onExit = (code: number | null, signal: string | null) => {
      cleanup();
      reject(new Error(`child exited (${signal ?? code}) before sending "${type}"`));
    };
    const cleanup = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/** Runs a child to completion and returns its `result` message. */
export async function runChild<T>(script: string, args: string[] = [], options: ChildOptions = {}): Promise<T> {
  const child = startChild(script, args, options);
  try {
    const result = await nextMessage<{ type: 'result'; result: T }>(child, 'result');
    return result.result;
  } finally {
    await exited(child);
  }
}

export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** In a child: send the result (or the error) to the parent, then leave. */
export async function reportToParent<T>(work: () => Promise<T>): Promise<void> {
  try {
    const result = await work();
    process.send?.({ type: 'result', result });
  } catch (err) {
    process.send?.({ type: 'error', error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    process.exitCode = 1;
  }
  process.disconnect?.();
}
