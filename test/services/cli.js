#!/usr/bin/env node
// @ts-check
/**
 * Developer commands for the test services:
 *   node test/services/cli.js up      start what is missing, leave it running, print the env exports
 *   node test/services/cli.js down    stop what `up` (or an interrupted `npm test`) started
 *   node test/services/cli.js status  which services answer, and which the harness started
 * Same settings as `npm test` (CAUSEWAY_TEST_*, CAUSEWAY_*_PORT, CAUSEWAY_CACHE_DIR).
 */
import { loadConfig } from './config.js';
import { createHarness, redact, testEnvironment } from './harness.js';
import { ServiceError } from './process.js';
import { isRecordAlive, readRecords, stopRecord } from './records.js';
import { SERVICES } from './services.js';

const USAGE = 'usage: node test/services/cli.js up|down|status';
const log = (/** @type {string} */ line) => process.stderr.write(`[services] ${line}\n`);

/** @param {string | undefined} command */
async function main(command) {
  const config = loadConfig();
  switch (command) {
    case 'up':
      return up(config);
    case 'down':
      return down(config);
    case 'status':
      return status(config);
    default:
      process.stderr.write(`${USAGE}\n`);
      return 2;
  }
}

/** @param {import('./config.js').HarnessConfig} config */
async function up(config) {
  const harness = createHarness({ config, owner: 'cli', log });
  try {
    const handles = await harness.ensure();
    for (const [name, value] of Object.entries(testEnvironment(handles))) {
      process.stdout.write(`export ${name}=${shellQuote(value)}\n`);
    }
    log('running; stop what was started with `node test/services/cli.js down`');
    return 0;
  } catch (err) {
    // Do not leave half a set running: a failed `up` stops what it started.
    await harness.stop();
    if (!(err instanceof ServiceError)) throw err;
    log(`could not bring the services up:\n${err.message}`);
    return 1;
  }
}

/** @param {import('./config.js').HarnessConfig} config */
async function down(config) {
  const records = readRecords(config);
  if (records.length === 0) {
    log(`nothing to stop: no services started by the harness are recorded in ${config.runDir}`);
    return 0;
  }
  await Promise.all(
    records.map(async (record) => {
      const by = record.owner === 'run' ? ` (started by npm test, pid ${record.ownerPid})` : '';
      log(`stopping ${record.service} at ${redact(record.address)}, pid ${record.pid}${by}`);
      await stopRecord(config, record);
    }),
  );
  log('stopped');
  return 0;
}

/** @param {import('./config.js').HarnessConfig} config */
async function status(config) {
  const records = readRecords(config);
  let allReady = true;
  for (const service of SERVICES) {
    const given = process.env[service.envVar];
    const address = given || service.defaultAddress(config);
    let state = 'ready';
    try {
      await service.probe(address);
    } catch (err) {
      allReady = false;
      state = `NOT READY (${err instanceof Error ? err.message : String(err)})`;
    }
    const record = records.find((candidate) => candidate.service === service.id && candidate.address === address);
    let origin = given ? `from ${service.envVar}` : 'default address';
    if (record) {
      const alive = isRecordAlive(record) ? 'running' : 'gone (stale record; `down` clears it)';
      origin += `; started by the harness (${record.owner}) pid ${record.pid}, ${alive}, data in ${record.dir}`;
    }
    process.stdout.write(`${service.name.padEnd(20)} ${redact(address).padEnd(34)} ${state}  [${origin}]\n`);
  }
  return allReady ? 0 : 1;
}

/** @param {string} value */
function shellQuote(value) {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

main(process.argv[2]).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`${err instanceof Error ? err.stack : err}\n`);
    process.exitCode = 1;
  },
);
