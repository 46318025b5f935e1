// @ts-check
/**
 * Settings of the test-services harness, all from the environment so CI, developers and a
 * second harness on other ports (to try a cold start beside running services) share one code path.
 */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (this file is test/services/config.js). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const ELASTICSEARCH_VERSION = '9.2.4';
export const KAFKA_VERSION = '4.1.1';

/** Everything binds to loopback: the services have no auth and must not be reachable from outside. */
export const HOST = '127.0.0.1';

/**
 * @typedef {object} HarnessConfig
 * @property {string} cacheDir downloads and unpacked distributions; outside the repo so `git clean` keeps them
 * @property {string} runDir records of the services this harness started, so `cli.js down` finds them
 * @property {number} esPort
 * @property {number} esTransportPort
 * @property {number} kafkaPort
 * @property {number} kafkaControllerPort
 * @property {number} amqpPort
 * @property {number} amqpDistPort Erlang distribution port; RabbitMQ's default is amqpPort + 20000
 * @property {number} amqpManagementPort RabbitMQ management HTTP API of the harness's node; amqpPort + 10000 (15672 for 5672)
 * @property {number} startTimeoutMs how long one service may take to become ready
 * @property {boolean} ci with CI=true nothing may be skipped, and messages say so
 * @property {boolean} keepDirs keep data/log temp dirs after stopping (for debugging)
 */

/**
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {HarnessConfig}
 */
export function loadConfig(env = process.env) {
  const cacheDir = path.resolve(env.CAUSEWAY_CACHE_DIR || path.join(os.homedir(), '.cache', 'causeway'));
  const esPort = port(env, 'CAUSEWAY_ES_PORT', 9200);
  const kafkaPort = port(env, 'CAUSEWAY_KAFKA_PORT', 9092);
  const amqpPort = port(env, 'CAUSEWAY_AMQP_PORT', 5672);
  return {
    cacheDir,
    runDir: path.join(cacheDir, 'run'),
    esPort,
    esTransportPort: port(env, 'CAUSEWAY_ES_TRANSPORT_PORT', esPort + 100),
    kafkaPort,
    kafkaControllerPort: port(env, 'CAUSEWAY_KAFKA_CONTROLLER_PORT', kafkaPort + 1),
    amqpPort,
    amqpDistPort: port(env, 'CAUSEWAY_AMQP_DIST_PORT', amqpPort + 20000),
    amqpManagementPort: port(env, 'CAUSEWAY_AMQP_MANAGEMENT_PORT', amqpPort + 10000),
    startTimeoutMs: positiveInt(env, 'CAUSEWAY_SERVICE_START_TIMEOUT_S', 240) * 1000,
    ci: env.CI === 'true' || env.CI === '1',
    keepDirs: env.CAUSEWAY_KEEP_SERVICE_DIRS === '1',
  };
}

/**
 * @param {NodeJS.ProcessEnv} env
 * @param {string} name
 * @param {number} fallback
 */
function port(env, name, fallback) {
  const value = positiveInt(env, name, fallback);
  if (value > 65535) throw new Error(`${name} must be a TCP port (1-65535), got "${env[name]}"`);
  return value;
}

/**
 * @param {NodeJS.ProcessEnv} env
 * @param {string} name
 * @param {number} fallback
 */
function positiveInt(env, name, fallback) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}
