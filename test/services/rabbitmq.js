// @ts-check
/**
 * RabbitMQ for the tests: the distribution's `rabbitmq-server` (Debian package; `.ci/run`
 * installs it) started as a separate node with its own name, ports and data under a fresh temp
 * dir, so it neither touches nor collides with a node the package may run as a system service.
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
 * @param {import('./config.js').HarnessConfig} config
 * @param {import('./types.js').StartContext} context
 */
async function start(config, { log, register, dir }) {
  const { command: server, user, home } = await findServer();
  const logDir = path.join(dir, 'log');
  fs.mkdirSync(logDir);
  // No plugins: the package's enabled_plugins file may list management, whose port would clash.
  fs.writeFileSync(path.join(dir, 'enabled_plugins'), '[].\n');

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
  fs.writeFileSync(path.join(dir, 'rabbitmq.conf'), '# test node: settings come from RABBITMQ_* variables\n');
  if (user) await chownRecursive(dir, user);

  const stdoutLog = path.join(dir, 'stdout.log');
  const logFiles = () => [stdoutLog, ...findFiles(logDir, '.log')];
  const [command, args] = asUser(user, server, []);
  log(`starting ${rabbitmq.name} node ${nodeName} on ${HOST}:${config.amqpPort} (data in ${dir})`);
  const spawned = spawnServer({ command, args, cwd: dir, env, logFile: stdoutLog });
  register({ address, pid: spawned.pid, dir, logFiles: [stdoutLog, path.join(logDir, `${nodeName}.log`)] });
  await waitUntilReady({
    name: rabbitmq.name,
    probe: () => probe(address),
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
