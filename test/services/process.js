// @ts-check
/**
 * Process and readiness helpers shared by the service modules: run a command, start a server in
 * its own process group (so stopping it also stops the JVM/Erlang children its launcher script
 * forks), wait until it answers, and stop it again.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A service could not be had. The message is meant for the person reading the test output. */
export class ServiceError extends Error {}

/** waitUntilReady gave up; `lastCheck` is why the last probe failed. */
export class NotReadyError extends ServiceError {
  /**
   * @param {string} message
   * @param {string} lastCheck
   */
  constructor(message, lastCheck) {
    super(message);
    this.lastCheck = lastCheck;
  }
}

/**
 * Runs a command to completion and returns its output; on failure the error carries the output.
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, timeoutMs?: number }} [options]
 * @returns {Promise<{ stdout: string, stderr: string }>}
 */
export function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { cwd: options.cwd, env: options.env, timeout: options.timeoutMs ?? 0, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          const output = `${stdout}${stderr}`.trim().split('\n').slice(-30).join('\n');
          reject(new ServiceError(`\`${[command, ...args].join(' ')}\` failed: ${error.message}${output ? `\n${output}` : ''}`));
        } else {
          resolve({ stdout, stderr });
        }
      },
    );
  });
}

/** @param {string} command */
export async function commandExists(command) {
  try {
    await run('sh', ['-c', `command -v "$1"`, 'sh', command]);
    return true;
  } catch {
    return false;
  }
}

export const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * The command line that runs `command` as `user` when we are root (servers that refuse to run as
 * root, or whose files belong to a package user), else unchanged.
 * @param {string | undefined} user
 * @param {string} command
 * @param {string[]} args
 * @returns {[string, string[]]}
 */
export function asUser(user, command, args) {
  if (!user || !isRoot()) return [command, args];
  // runuser keeps the environment we pass (no login shell), which carries the service settings.
  return ['runuser', ['-u', user, '--', command, ...args]];
}

/**
 * Creates a system user without home or login once; needed because Elasticsearch refuses root.
 * @param {string} name
 */
export async function ensureSystemUser(name) {
  try {
    await run('id', ['-u', name]);
    return;
  } catch {
    // does not exist yet
  }
  try {
    await run('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', name]);
  } catch (err) {
    // Two harnesses starting at once: the other one created it first.
    try {
      await run('id', ['-u', name]);
    } catch {
      throw err;
    }
  }
}

/**
 * @param {string} target
 * @param {string} user
 */
export async function chownRecursive(target, user) {
  await run('chown', ['-R', `${user}:`, target]);
}

/**
 * A service user must be able to walk down to its files; a home dir like /root is often 0700.
 * Adds only the "search" bit for others (not read), and only where it is missing.
 * @param {string} dir
 * @param {(line: string) => void} log
 */
export function ensureTraversable(dir, log) {
  for (let current = path.dirname(path.resolve(dir)); ; current = path.dirname(current)) {
    const mode = fs.statSync(current).mode;
    if ((mode & 0o001) === 0) {
      fs.chmodSync(current, (mode & 0o7777) | 0o001);
      log(`made ${current} traversable (o+x) so the service user can reach ${dir}`);
    }
    if (current === path.dirname(current)) return;
  }
}

/**
 * @typedef {object} SpawnedServer
 * @property {number} pid also the process group id (the server is its group's leader)
 * @property {Promise<{ code: number | null, signal: NodeJS.Signals | null }>} exited
 */

/**
 * Starts a long-running server detached in its own process group with output to `logFile`,
 * so it survives our exit (`cli.js up`) and a Ctrl-C in the terminal reaches only us: we then
 * stop it in order instead of it dying half-way through a test.
 * @param {{ command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, logFile: string }} options
 * @returns {SpawnedServer}
 */
export function spawnServer({ command, args, cwd, env, logFile }) {
  const out = fs.openSync(logFile, 'a');
  try {
    const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', out, out] });
    /** @type {Promise<{ code: number | null, signal: NodeJS.Signals | null }>} */
    const exited = new Promise((resolve) => {
      child.once('error', (err) => {
        fs.appendFileSync(logFile, `\n[harness] could not start ${command}: ${err.message}\n`);
        resolve({ code: -1, signal: null });
      });
      child.once('exit', (code, signal) => resolve({ code, signal }));
    });
    child.unref();
    if (child.pid === undefined) throw new ServiceError(`could not start ${command} (see ${logFile})`);
    return { pid: child.pid, exited };
  } finally {
    fs.closeSync(out);
  }
}

/**
 * Whether any live (non-zombie) process is left in process group `pgid`.
 * @param {number} pgid
 */
export function isGroupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
  } catch (err) {
    if (/** @type {NodeJS.ErrnoException} */ (err).code === 'EPERM') return true;
    return false;
  }
  // kill(0) also succeeds for zombies nobody reaped yet; on Linux look closer.
  if (!fs.existsSync('/proc/self/stat')) return true;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    // Fields after the parenthesised command name: state ppid pgrp ...
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z') return true;
  }
  return false;
}

/**
 * SIGTERM the whole group (all these servers shut down cleanly on it), SIGKILL what is left.
 * @param {number} pgid
 * @param {number} [graceMs]
 */
export async function stopGroup(pgid, graceMs = 30_000) {
  if (!signalGroup(pgid, 'SIGTERM')) return;
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isGroupAlive(pgid)) return;
    await sleep(200);
  }
  signalGroup(pgid, 'SIGKILL');
  for (let i = 0; i < 50 && isGroupAlive(pgid); i++) await sleep(100);
}

/**
 * @param {number} pgid
 * @param {NodeJS.Signals} signal
 * @returns {boolean} false when the group no longer exists
 */
function signalGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (err) {
    if (/** @type {NodeJS.ErrnoException} */ (err).code === 'ESRCH') return false;
    throw err;
  }
}

/**
 * Whether something accepts TCP connections on host:port.
 * @param {string} host
 * @param {number} port
 * @param {number} [timeoutMs]
 * @returns {Promise<boolean>}
 */
export function isPortOpen(host, port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (/** @type {boolean} */ open) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Polls `probe` until it resolves. Fails early when the server process exits, and on timeout
 * with the last probe error and the tail of the server's logs, which is where the reason is.
 * @param {{ name: string, probe: () => Promise<unknown>, timeoutMs: number, server?: SpawnedServer, logFiles?: () => string[], intervalMs?: number }} options
 */
export async function waitUntilReady({ name, probe, timeoutMs, server, logFiles = () => [], intervalMs = 500 }) {
  const deadline = Date.now() + timeoutMs;
  /** @type {{ code: number | null, signal: NodeJS.Signals | null } | undefined} */
  let exit;
  server?.exited.then((status) => (exit = status));
  let lastError = 'no answer yet';
  for (;;) {
    try {
      await probe();
      return;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    if (exit) {
      throw new NotReadyError(
        `${name} exited (code ${exit.code}, signal ${exit.signal}) before it was ready.${logTail(logFiles())}`,
        lastError,
      );
    }
    if (Date.now() >= deadline) {
      throw new NotReadyError(
        `${name} was not ready after ${Math.round(timeoutMs / 1000)}s (last check: ${lastError}).${logTail(logFiles())}`,
        lastError,
      );
    }
    await sleep(intervalMs);
  }
}

/**
 * The last lines of each log file, formatted for an error message.
 * @param {string[]} files
 * @param {number} [lines]
 */
export function logTail(files, lines = 40) {
  if (files.length === 0) return '';
  let text = '';
  for (const file of files) {
    let content;
    try {
      content = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    const tail = content.trimEnd().split('\n').slice(-lines).join('\n');
    if (tail) text += `\n--- last ${lines} lines of ${file} ---\n${tail}`;
  }
  return text || '\n(no log output)';
}

/**
 * Files in `dir` (recursively) whose name ends with `suffix`; logs whose names the server picks.
 * @param {string} dir
 * @param {string} suffix
 * @returns {string[]}
 */
export function findFiles(dir, suffix) {
  try {
    return fs
      .readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((name) => name.endsWith(suffix))
      .map((name) => path.join(dir, name));
  } catch {
    return [];
  }
}
