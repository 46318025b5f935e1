// @ts-check
/**
 * Makes the three services available: an address from CAUSEWAY_TEST_* wins, else a running
 * instance on the default port is reused, else one is started (all three in parallel). Only what
 * this harness started is stopped by `stop()`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SERVICES } from './services.js';
import { NotReadyError, ServiceError, isPortOpen, waitUntilReady } from './process.js';
import { stopRecord, writeRecord } from './records.js';

/** An address given through CAUSEWAY_TEST_* should already be up; give it a little slack only. */
const GIVEN_ADDRESS_TIMEOUT_MS = 30_000;

/**
 * @typedef {object} ServiceHandle
 * @property {import('./services.js').ServiceId} id
 * @property {string} name
 * @property {string} envVar
 * @property {string} address
 * @property {'env' | 'reused' | 'started'} source
 * @property {number} [processGroup] the server's process group, only when this harness started it (source 'started')
 * @property {Record<string, string>} [extraEnv] more variables for the tests (ServiceDefinition.extraEnvironment)
 */

/**
 * @typedef {object} Harness
 * @property {() => Promise<ServiceHandle[]>} ensure throws ServiceError naming every service that could not be had
 * @property {() => Promise<void>} stop stops what this harness started (also mid-start); safe to call twice
 */

/**
 * @param {{ config: import('./config.js').HarnessConfig, owner: 'run' | 'cli', log: (line: string) => void }} options
 * @returns {Harness}
 */
export function createHarness({ config, owner, log }) {
  /** @type {import('./types.js').StartedRecord[]} */
  const started = [];
  /** @type {Set<import('./types.js').StartedRecord>} started but never ready: their dirs are kept, the logs say why */
  const failedStarts = new Set();
  /** @type {Set<string>} temp dirs of starts that have not spawned their server yet: nothing to stop, only to delete */
  const unregisteredDirs = new Set();
  let stopping = false;

  /**
   * @param {import('./types.js').ServiceDefinition} service
   * @returns {Promise<ServiceHandle>}
   */
  async function ensureOne(service) {
    const say = (/** @type {string} */ line) => log(`${service.name}: ${line}`);
    /** @type {number | undefined} */
    let processGroup;
    const handle = async (/** @type {string} */ address, /** @type {ServiceHandle['source']} */ source) => {
      /** @type {ServiceHandle} */
      const result = { id: service.id, name: service.name, envVar: service.envVar, address, source };
      if (source === 'started' && processGroup !== undefined) result.processGroup = processGroup;
      if (service.extraEnvironment) result.extraEnv = await service.extraEnvironment(address, config, say);
      return result;
    };

    const given = process.env[service.envVar];
    if (given) {
      try {
        await waitUntilReady({ name: service.name, probe: () => service.probe(given), timeoutMs: GIVEN_ADDRESS_TIMEOUT_MS });
      } catch (err) {
        throw new ServiceError(
          `${service.envVar}=${redact(given)} does not answer as ${service.name} after ${GIVEN_ADDRESS_TIMEOUT_MS / 1000}s: ${lastCheck(err)}`,
        );
      }
      say(`using ${redact(given)} from ${service.envVar}`);
      return handle(given, 'env');
    }

    const address = service.defaultAddress(config);
    try {
      await service.probe(address);
      say(`reusing the instance already running at ${redact(address)}`);
      return handle(address, 'reused');
    } catch {
      // not there (or not ready yet): look closer below
    }
    const { host, port } = service.endpoint(address);
    if (await isPortOpen(host, port)) {
      // Maybe another harness is starting it right now; it gets the same time we would.
      say(`${host}:${port} is open but not ready; waiting for it`);
      try {
        await waitUntilReady({ name: service.name, probe: () => service.probe(address), timeoutMs: config.startTimeoutMs });
      } catch (err) {
        throw new ServiceError(
          `${host}:${port} is taken by something that does not answer as ${service.name} ` +
            `after ${Math.round(config.startTimeoutMs / 1000)}s (${lastCheck(err)}). ` +
            `Stop it, move ours with ${service.portEnvVar}, or set ${service.envVar} to a running ${service.name}.`,
        );
      }
      say(`reusing the instance at ${redact(address)}`);
      return handle(address, 'reused');
    }

    if (stopping) throw new ServiceError(`${service.name}: not started, the harness is stopping`);
    const startedAt = Date.now();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `causeway-${service.id}-`));
    unregisteredDirs.add(dir);
    /** @type {import('./types.js').StartContext['register']} */
    const register = (partial) => {
      unregisteredDirs.delete(dir);
      /** @type {import('./types.js').StartedRecord} */
      const record = { service: service.id, owner, ownerPid: process.pid, startedAt: new Date().toISOString(), ...partial };
      processGroup = record.pid;
      writeRecord(config, record);
      // stop() already ran (Ctrl-C while we were still installing): do not leave it behind.
      if (stopping) void stopRecord(config, record).catch(() => {});
      else started.push(record);
    };
    try {
      await service.start(config, { log: say, register, dir });
    } catch (err) {
      for (const record of started) if (record.service === service.id) failedStarts.add(record);
      // Failed before spawning (download, format...): the error says why; the dir is empty or nearly.
      if (unregisteredDirs.delete(dir) && !config.keepDirs) fs.rmSync(dir, { recursive: true, force: true });
      throw err;
    }
    say(`ready at ${redact(address)} after ${Math.round((Date.now() - startedAt) / 1000)}s`);
    return handle(address, 'started');
  }

  return {
    async ensure() {
      const results = await Promise.allSettled(SERVICES.map(ensureOne));
      const failures = results.flatMap((result) => (result.status === 'rejected' ? [message(result.reason)] : []));
      if (failures.length > 0) throw new ServiceError(failures.join('\n\n'));
      return results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    },
    async stop() {
      stopping = true;
      for (const dir of unregisteredDirs) if (!config.keepDirs) fs.rmSync(dir, { recursive: true, force: true });
      unregisteredDirs.clear();
      const records = started.splice(0);
      await Promise.all(
        records.map(async (record) => {
          const name = SERVICES.find((service) => service.id === record.service)?.name ?? record.service;
          log(`${name}: stopping (pid ${record.pid})`);
          try {
            const kept = await stopRecord(config, record, { keepDir: failedStarts.has(record) });
            if (kept) log(`${name}: left ${record.dir} for inspection`);
          } catch (err) {
            log(`${name}: could not stop cleanly: ${message(err)}`);
          }
        }),
      );
    },
  };
}

/**
 * The environment the tests read (test/support/services.ts).
 * @param {ServiceHandle[]} handles
 * @returns {Record<string, string>}
 */
export function testEnvironment(handles) {
  return Object.fromEntries(handles.flatMap((handle) => [[handle.envVar, handle.address], ...Object.entries(handle.extraEnv ?? {})]));
}

/**
 * Hides a password in a URL for logs.
 * @param {string} address
 */
export function redact(address) {
  return address.replace(/(\/\/[^:/@]+:)[^@/]*@/, '$1***@');
}

/** @param {unknown} err */
function lastCheck(err) {
  return err instanceof NotReadyError ? err.lastCheck : message(err);
}

/** @param {unknown} err */
function message(err) {
  return err instanceof Error ? err.message : String(err);
}
