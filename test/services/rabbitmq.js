// @ts-check
/**
 * RabbitMQ for the tests: the distribution's `rabbitmq-server` (Debian package; `.ci/run`
 * installs it) started as a separate node with its own name, ports and data under a fresh temp
 * dir, so it neither touches nor collides with a node the package may run as a system service.
 * The management plugin is on, on its own loopback port (amqpPort + 10000 by default), because
 * the consumer-lag source reads queue depths and counters from its HTTP API; the tests get its
 * URL from CAUSEWAY_TEST_RABBITMQ_MANAGEMENT_URL.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { HOST, repoRoot } from './config.js';
import { ServiceError, asUser, chownRecursive, commandExists, findFiles, isRoot, run, spawnServer, waitUntilReady } from './process.js';

/** Debian's real start script; /usr/sbin/rabbitmq-server is a wrapper that only allows root and rabbitmq. */
const DEBIAN_SERVER = '/usr/lib/rabbitmq/bin/rabbitmq-server';
/** The package's user; its home holds the Erlang cookie the node and rabbitmqctl share. */
const PACKAGE_USER = 'rabbitmq';
const PACKAGE_HOME = '/var/lib/rabbitmq';
/** Where the tests find the management HTTP API (basic auth in the URL). */
export const MANAGEMENT_ENV_VAR = 'CAUSEWAY_TEST_RABBITMQ_MANAGEMENT_URL';
/**
 * Queue stats reach the management API every `collect_statistics_interval` (5 s by default);
 * the test node refreshes every second so tests that wait for a queue's counters stay short.
 */
const STATS_INTERVAL_MS = 1000;

/** @type {import('./types.js').ServiceDefinition} */
export const rabbitmq = {
  id: 'rabbitmq',
  name: 'RabbitMQ',
  envVar: 'CAUSEWAY_TEST_AMQP_URL',
  portEnvVar: 'CAUSEWAY_AMQP_PORT',
  defaultAddress: (config) => `amqp://guest:guest@${HOST}:${config.amqpPort}`,
  endpoint(address) {
    const url = new URL(address);
    return { host: url.hostname, port: Number(url.port) || (url.protocol === 'amqps:' ? 5671 : 5672) };
  },
  probe,
  start,
  extraEnvironment,
};

/**
 * Ready means a full AMQP handshake and login: the listener opens only late in the boot, and
 * a successful login also proves the port is RabbitMQ and the credentials work.
 * @param {string} address amqp:// URL
 */
async function probe(address) {
  const amqplib = loadAmqplib();
  const connection = await amqplib.connect(address, { timeout: 5000 });
  await connection.close();
}

/**
 * Ready means the management API answers an authenticated request with the node's overview.
 * @param {string} managementUrl http://user:pass@host:port
 */
async function probeManagement(managementUrl) {
  const url = new URL(managementUrl);
  const auth = Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64');
  url.username = '';
  url.password = '';
  const response = await fetch(new URL('api/overview', url), {
    headers: { authorization: `Basic ${auth}` },
    signal: AbortSignal.timeout(5000),
  });
  if (!response.ok) throw new Error(`management API answered HTTP ${response.status}`);
  const overview = /** @type {{ management_version?: string }} */ (await response.json());
  if (!overview.management_version) throw new Error('not a RabbitMQ management API (no management_version)');
}

/**
 * The management URL of the node at `address`: the harness's own port when it is the harness's
 * node, else the usual convention (15672 beside 5672), with the AMQP URL's credentials.
 * @param {string} address amqp:// URL
 * @param {import('./config.js').HarnessConfig} config
 */
function managementAddress(address, config) {
  const amqp = new URL(address);
  const { host, port } = rabbitmq.endpoint(address);
  const managementPort = host === HOST && port === config.amqpPort ? config.amqpManagementPort : port + 10000;
  const credentials = amqp.username ? `${amqp.username}:${amqp.password}@` : 'guest:guest@';
  return `http://${credentials}${amqp.hostname}:${managementPort}`;
}

/**
 * CAUSEWAY_TEST_RABBITMQ_MANAGEMENT_URL as given, else derived from the AMQP address. A node that
 * does not serve the API (one started before the harness enabled the plugin) only gets a warning:
 * the tests that need the API fail and say so, the others run.
 * @param {string} address
 * @param {import('./config.js').HarnessConfig} config
 * @param {(line: string) => void} log
 * @returns {Promise<Record<string, string>>}
 */
async function extraEnvironment(address, config, log) {
  const managementUrl = process.env[MANAGEMENT_ENV_VAR] || managementAddress(address, config);
  try {
    await probeManagement(managementUrl);
  } catch (err) {
    log(
      `the management API at ${redactUrl(managementUrl)} does not answer (${err instanceof Error ? err.message : String(err)}); ` +
        `tests of the RabbitMQ management lag source will fail. Restart a harness node with \`node test/services/cli.js down && node test/services/cli.js up\`, ` +
        `or set ${MANAGEMENT_ENV_VAR}.`,
    );
  }
  return { [MANAGEMENT_ENV_VAR]: managementUrl };
}

/** @param {string} address */
function redactUrl(address) {
  return address.replace(/(\/\/[^:/@]+:)[^@/]*@/, '$1***@');
}

/**
 * @param {import('./config.js').HarnessConfig} config
 * @param {import('./types.js').StartContext} context
 */
async function start(config, { log, register, dir }) {
  const { command: server, user, home } = await findServer();
  const logDir = path.join(dir, 'log');
  fs.mkdirSync(logDir);
  // Only management (with its dependencies); the package's own enabled_plugins file is not read.
  fs.writeFileSync(path.join(dir, 'enabled_plugins'), '[rabbitmq_management].\n');

  const address = `amqp://guest:guest@${HOST}:${config.amqpPort}`;
  // Unique per port so it can run beside the package's default `rabbit@<host>` node.
  const nodeName = `causeway-${config.amqpPort}@localhost`;
  /** @type {NodeJS.ProcessEnv} */
  const env = {
    ...process.env,
    RABBITMQ_NODENAME: nodeName,
    RABBITMQ_NODE_IP_ADDRESS: HOST,
    RABBITMQ_NODE_PORT: String(config.amqpPort),
    RABBITMQ_DIST_PORT: String(config.amqpDistPort),
    RABBITMQ_MNESIA_BASE: path.join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: logDir,
    RABBITMQ_ENABLED_PLUGINS_FILE: path.join(dir, 'enabled_plugins'),
    RABBITMQ_PID_FILE: path.join(dir, 'rabbitmq.pid'),
    // Not the machine's /etc/rabbitmq/rabbitmq.conf: it might move listeners or enable TLS.
    RABBITMQ_CONFIG_FILE: path.join(dir, 'rabbitmq.conf'),
  };
  if (home) env.HOME = home;
  fs.writeFileSync(
    path.join(dir, 'rabbitmq.conf'),
    [
      '# test node: listeners come from RABBITMQ_* variables; the management API stays on loopback',
      `management.tcp.ip = ${HOST}`,
      `management.tcp.port = ${config.amqpManagementPort}`,
      `collect_statistics_interval = ${STATS_INTERVAL_MS}`,
      '',
    ].join('\n'),
  );
  if (user) await chownRecursive(dir, user);

  const stdoutLog = path.join(dir, 'stdout.log');
  const logFiles = () => [stdoutLog, ...findFiles(logDir, '.log')];
  const [command, args] = asUser(user, server, []);
  log(`starting ${rabbitmq.name} node ${nodeName} on ${HOST}:${config.amqpPort}, management on ${config.amqpManagementPort} (data in ${dir})`);
  const spawned = spawnServer({ command, args, cwd: dir, env, logFile: stdoutLog });
  register({ address, pid: spawned.pid, dir, logFiles: [stdoutLog, path.join(logDir, `${nodeName}.log`)] });
  await waitUntilReady({
    name: rabbitmq.name,
    // Plugins start after the AMQP listener: wait for both, so the first test finds the API.
    probe: async () => {
      await probe(address);
      await probeManagement(managementAddress(address, config));
    },
    timeoutMs: config.startTimeoutMs,
    server: spawned,
    logFiles,
  });
}

/**
 * As root, the Debian script runs as the package user with its home (cookie); otherwise
 * whatever `rabbitmq-server` the developer has, as themselves.
 * @returns {Promise<{ command: string, user?: string, home?: string }>}
 */
async function findServer() {
  if (fs.existsSync(DEBIAN_SERVER)) {
    if (isRoot()) {
      try {
        await run('id', ['-u', PACKAGE_USER]);
        return { command: DEBIAN_SERVER, user: PACKAGE_USER, home: PACKAGE_HOME };
      } catch {
        return { command: DEBIAN_SERVER };
      }
    }
    return { command: DEBIAN_SERVER };
  }
  if (await commandExists('rabbitmq-server')) return { command: 'rabbitmq-server' };
  throw new ServiceError(
    'RabbitMQ is not installed: `apt-get install rabbitmq-server` (.ci/run does it), or point CAUSEWAY_TEST_AMQP_URL at a running broker.',
  );
}

/**
 * amqplib is a devDependency of the instrumentation workspace (hoisted to the root by npm).
 * @returns {typeof import('amqplib')}
 */
function loadAmqplib() {
  return createRequire(path.join(repoRoot, 'instrumentation', 'package.json'))('amqplib');
}
