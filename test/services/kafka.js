// @ts-check
/**
 * Kafka 4.1.1 for the tests: one KRaft node (broker and controller in one JVM) run straight
 * from the Maven jars, so no tarball or scripts are needed; logs and data in a fresh temp dir.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { HOST, KAFKA_VERSION, repoRoot } from './config.js';
import { isPortOpen, run, spawnServer, waitUntilReady } from './process.js';

const POM = path.join(repoRoot, 'test', 'services', 'kafka', 'pom.xml');
const LOG4J_CONFIG = path.join(repoRoot, 'test', 'services', 'kafka', 'log4j2.properties');
/** Written into the libs dir after a complete copy: which pom the jars came from. */
const POM_STAMP = '.pom-sha256';

/** @type {import('./types.js').ServiceDefinition} */
export const kafka = {
  id: 'kafka',
  name: `Kafka ${KAFKA_VERSION}`,
  envVar: 'CAUSEWAY_TEST_KAFKA_BROKERS',
  portEnvVar: 'CAUSEWAY_KAFKA_PORT',
  defaultAddress: (config) => `${HOST}:${config.kafkaPort}`,
  endpoint: (address) => parseBroker(firstBroker(address)),
  probe,
  start,
};

/**
 * An open port is not enough (the socket opens before the broker has joined its own KRaft
 * quorum); a metadata round-trip through a real client proves it serves requests.
 * @param {string} address comma-separated brokers, as in CAUSEWAY_TEST_KAFKA_BROKERS
 */
async function probe(address) {
  const { host, port } = parseBroker(firstBroker(address));
  if (!(await isPortOpen(host, port, 2000))) throw new Error(`nothing accepts connections on ${host}:${port}`);
  const { Kafka, logLevel } = loadKafkajs();
  const client = new Kafka({
    clientId: 'causeway-test-harness',
    brokers: address.split(',').map((broker) => broker.trim()).filter(Boolean),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    requestTimeout: 5000,
    retry: { retries: 0 },
  });
  const admin = client.admin();
  try {
    await admin.connect();
    await admin.listTopics();
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/**
 * @param {import('./config.js').HarnessConfig} config
 * @param {import('./types.js').StartContext} context
 */
async function start(config, { log, register, dir }) {
  const libs = await install(config, log);
  const logsDir = path.join(dir, 'logs');
  fs.mkdirSync(logsDir);
  const address = `${HOST}:${config.kafkaPort}`;
  const propsFile = path.join(dir, 'server.properties');
  fs.writeFileSync(propsFile, brokerProperties(config, path.join(dir, 'data')));

  const java = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  const classpath = ['-cp', path.join(libs, '*')];
  const logging = [`-Dlog4j2.configurationFile=${LOG4J_CONFIG}`, `-Dkafka.logs.dir=${logsDir}`];
  // KRaft needs its storage formatted with a cluster id before the first start.
  const { stdout } = await run(java, ['-Xmx256m', ...logging, ...classpath, 'kafka.tools.StorageTool', 'random-uuid']);
  const clusterId = stdout.trim().split('\n').pop()?.trim() ?? '';
  if (!/^[A-Za-z0-9_-]{22}$/.test(clusterId)) throw new Error(`StorageTool random-uuid printed "${stdout.trim()}"`);
  await run(java, ['-Xmx256m', ...logging, ...classpath, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', propsFile]);

  const stdoutLog = path.join(dir, 'stdout.log');
  const logFiles = [stdoutLog, path.join(logsDir, 'server.log')];
  log(`starting ${kafka.name} on ${address} (KRaft, data in ${dir})`);
  const server = spawnServer({
    command: java,
    args: ['-Xms256m', '-Xmx512m', '-Djava.awt.headless=true', ...logging, ...classpath, 'kafka.Kafka', propsFile],
    cwd: dir,
    env: process.env,
    logFile: stdoutLog,
  });
  register({ address, pid: server.pid, dir, logFiles });
  await waitUntilReady({
    name: kafka.name,
    probe: () => probe(address),
    timeoutMs: config.startTimeoutMs,
    server,
    logFiles: () => logFiles,
  });
}

/**
 * One combined broker/controller. Static voters (not --standalone) so formatting needs no
 * controller directory id. Everything replicated once: there is one node.
 * @param {import('./config.js').HarnessConfig} config
 * @param {string} dataDir
 */
function brokerProperties(config, dataDir) {
  const settings = {
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.voters': `1@${HOST}:${config.kafkaControllerPort}`,
    listeners: `PLAINTEXT://${HOST}:${config.kafkaPort},CONTROLLER://${HOST}:${config.kafkaControllerPort}`,
    'advertised.listeners': `PLAINTEXT://${HOST}:${config.kafkaPort}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': dataDir,
    'num.partitions': 1,
    'auto.create.topics.enable': true,
    'offsets.topic.replication.factor': 1,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'share.coordinator.state.topic.replication.factor': 1,
    'share.coordinator.state.topic.min.isr': 1,
    // Tests start consumers one after another; the default 3 s wait before the first rebalance
    // would be added to every one of them.
    'group.initial.rebalance.delay.ms': 0,
  };
  return `${Object.entries(settings)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n')}\n`;
}

/**
 * Copies the broker's runtime jars out of the local Maven repository (downloading what it
 * lacks). Copies into a staging dir and renames, so an interrupted copy is never used; the pom's
 * hash is stamped in so a changed pom (say, another logging binding) triggers a fresh copy.
 * @param {import('./config.js').HarnessConfig} config
 * @param {(line: string) => void} log
 * @returns {Promise<string>} the libs dir
 */
async function install(config, log) {
  const parent = path.join(config.cacheDir, `kafka-${KAFKA_VERSION}`);
  const libs = path.join(parent, 'libs');
  const pomHash = crypto.createHash('sha256').update(fs.readFileSync(POM)).digest('hex');
  const stampFile = path.join(libs, POM_STAMP);
  if (fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8').trim() === pomHash) return libs;
  fs.mkdirSync(parent, { recursive: true });
  const staging = fs.mkdtempSync(path.join(parent, '.staging-'));
  try {
    log(`fetching Kafka ${KAFKA_VERSION} jars with Maven into ${libs}`);
    await run('mvn', [
      '-q',
      '-B',
      '-f',
      POM,
      'dependency:copy-dependencies',
      `-DoutputDirectory=${staging}`,
      '-DincludeScope=runtime',
    ]);
    fs.writeFileSync(path.join(staging, POM_STAMP), `${pomHash}\n`);
    fs.rmSync(libs, { recursive: true, force: true });
    try {
      fs.renameSync(staging, libs);
    } catch (err) {
      // Another harness finished the same copy first; use that one.
      if (!fs.existsSync(stampFile)) throw err;
    }
    return libs;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** @param {string} address */
function firstBroker(address) {
  return address.split(',')[0]?.trim() ?? '';
}

/** @param {string} broker host:port */
function parseBroker(broker) {
  const colon = broker.lastIndexOf(':');
  const port = Number(broker.slice(colon + 1));
  if (colon <= 0 || !Number.isInteger(port) || port <= 0) throw new Error(`"${broker}" is not host:port`);
  return { host: broker.slice(0, colon).replace(/^\[|\]$/g, ''), port };
}

/**
 * kafkajs is a devDependency of the instrumentation workspace (hoisted to the root by npm);
 * resolving from there finds it either way.
 * @returns {typeof import('kafkajs')}
 */
function loadKafkajs() {
  return createRequire(path.join(repoRoot, 'instrumentation', 'package.json'))('kafkajs');
}
