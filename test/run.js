#!/usr/bin/env node
// @ts-check
/**
 * `npm test [-- vitest args]`: builds the workspaces, makes Elasticsearch, Kafka and RabbitMQ
 * available (reusing running ones, starting the rest), runs vitest against them through the
 * CAUSEWAY_TEST_* variables, and stops what it started, also on failure and Ctrl-C.
 * Exits with vitest's exit code, or non-zero when the build or a service fails.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, repoRoot } from './services/config.js';
import { createHarness, redact, testEnvironment } from './services/harness.js';
import { ServiceError } from './services/process.js';

const log = (/** @type {string} */ line) => process.stderr.write(`[npm test] ${line}\n`);

const config = loadConfig();
const harness = createHarness({ config, owner: 'run', log });
/** @type {import('node:child_process').ChildProcess[]} */
const children = [];
let interrupted = false;
let testsRunning = false;

/**
 * Ctrl-C reaches our children (same terminal process group) by itself; a signal sent to us
 * alone is passed on. While vitest runs we let it finish its cleanup (its tests still use the
 * services), then `finally` stops them; before that there is nothing to wait for.
 * @param {NodeJS.Signals} signal
 */
function onSignal(signal) {
  if (interrupted) return;
  interrupted = true;
  log(`${signal}: stopping`);
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) setTimeout(() => child.kill(signal), 1000).unref();
  }
  if (!testsRunning) {
    void harness.stop().then(() => process.exit(128 + (os.constants.signals[signal] ?? 1)));
  }
}
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) process.on(signal, onSignal);

/**
 * @param {string} command
 * @param {string[]} args
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {Promise<number>} exit code (128 + signal number when killed)
 */
function runChild(command, args, env = process.env) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: repoRoot, env, stdio: 'inherit' });
    children.push(child);
    child.once('error', (err) => {
      log(`could not run ${command}: ${err.message}`);
      resolve(127);
    });
    child.once('exit', (code, signal) => resolve(code ?? 128 + (signal ? (os.constants.signals[signal] ?? 1) : 1)));
  });
}

async function main() {
  const started = Date.now();
  // The build (tsc, CPU) and the services (mostly waiting for JVMs) overlap to save time; the
  // tests only start once both are done.
  log('building and type-checking (npm run build, npm run typecheck) and preparing the services');
  // The type check covers tests and fixtures too, which the package builds leave out.
  const buildAndTypecheck = runChild('npm', ['run', 'build']).then((code) => (code === 0 ? runChild('npm', ['run', 'typecheck']) : code));
  const [build, services] = await Promise.allSettled([buildAndTypecheck, harness.ensure()]);
  if (interrupted) return new Promise(() => {}); // onSignal stops the services and exits
  let failed = false;
  if (build.status === 'fulfilled' && build.value !== 0) {
    log(`the build or type check failed (exit ${build.value})`);
    failed = true;
  }
  if (services.status === 'rejected') {
    const reason = services.reason;
    if (!(reason instanceof ServiceError)) throw reason;
    const hint = config.ci
      ? 'CI=true: the integration tests need these services, so this is a failure, not a skip.'
      : 'The integration tests need these services. Install Java 21+ (Elasticsearch), Java 17+ and Maven (Kafka) and ' +
        'rabbitmq-server, or run them with `docker compose -f deploy/compose.yaml up -d elasticsearch kafka rabbitmq`, ' +
        'or point CAUSEWAY_TEST_ES_URL / CAUSEWAY_TEST_KAFKA_BROKERS / CAUSEWAY_TEST_AMQP_URL at running ones.';
    log(`services unavailable:\n\n${reason.message}\n\n${hint}`);
    failed = true;
  }
  if (failed || services.status !== 'fulfilled') return 1;

  const env = testEnvironment(services.value);
  for (const handle of services.value) log(`${handle.envVar}=${redact(handle.address)} (${handle.source})`);
  log(`ready after ${Math.round((Date.now() - started) / 1000)}s; running vitest`);
  const vitestBin = path.join(repoRoot, 'node_modules', '.bin', 'vitest');
  if (!fs.existsSync(vitestBin)) {
    log(`${vitestBin} is missing: run \`npm ci\` first`);
    return 1;
  }
  testsRunning = true;
  const userArgs = process.argv.slice(2);
  // Unless the caller picked reporters, also write a JSON report so we can print one plain summary line.
  const reportFile = path.join(repoRoot, 'test-results', 'vitest.json');
  const reporterArgs = userArgs.some((arg) => arg.startsWith('--reporter')) ? [] : ['--reporter=default', '--reporter=json', `--outputFile.json=${reportFile}`];
  fs.rmSync(reportFile, { force: true });
  const code = await runChild(vitestBin, ['run', ...reporterArgs, ...userArgs], { ...process.env, ...env });
  log(`vitest exited with ${code}`);
  printSummary(reportFile);
  return code;
}

/**
 * One closing line in the plain `N passed, N failed` form that tools reading the log understand.
 * @param {string} reportFile
 */
function printSummary(reportFile) {
  try {
    const report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
    const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
    process.stdout.write(`\nTests: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped\n`);
  } catch {
    // No report (vitest crashed or custom reporters): vitest's own output stands.
  }
}

let exitCode = 1;
try {
  exitCode = await main();
} catch (err) {
  log(`unexpected error: ${err instanceof Error ? err.stack : String(err)}`);
} finally {
  if (!interrupted) await harness.stop();
}
process.exit(exitCode);
