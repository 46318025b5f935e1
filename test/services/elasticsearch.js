// @ts-check
/**
 * Elasticsearch 9.2.4 for the tests: the minimal "integ-test-zip" distribution from Maven
 * Central (no bundled JDK, no ML/painless, small), unpacked once into the cache dir and run as
 * a single node with security off and data in a fresh temp dir per start.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ELASTICSEARCH_VERSION, HOST } from './config.js';
import {
  ServiceError,
  asUser,
  chownRecursive,
  commandExists,
  ensureSystemUser,
  ensureTraversable,
  isRoot,
  run,
  spawnServer,
  waitUntilReady,
} from './process.js';

const ARTIFACT = `org.elasticsearch.distribution.integ-test-zip:elasticsearch:${ELASTICSEARCH_VERSION}:zip`;
/** Pinned so `mvn dependency:copy` behaves the same whatever Maven's default plugin version is. */
export const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';
/** Elasticsearch refuses to run as root; when we are root it runs as this system user. */
const SERVICE_USER = 'causeway-es';
const CLUSTER_NAME = 'causeway-test';

/** @type {import('./types.js').ServiceDefinition} */
export const elasticsearch = {
  id: 'elasticsearch',
  name: `Elasticsearch ${ELASTICSEARCH_VERSION}`,
  envVar: 'CAUSEWAY_TEST_ES_URL',
  portEnvVar: 'CAUSEWAY_ES_PORT',
  defaultAddress: (config) => `http://${HOST}:${config.esPort}`,
  endpoint(address) {
    const url = new URL(address);
    return { host: url.hostname, port: Number(url.port) || (url.protocol === 'https:' ? 443 : 80) };
  },
  probe,
  start,
};

/**
 * Ready means cluster health answers yellow or green. The distribution forbids `GET /`, and
 * the health body (cluster_name + status) is also how we tell Elasticsearch from another server.
 * @param {string} address
 */
async function probe(address) {
  const url = new URL(address);
  /** @type {Record<string, string>} */
  const headers = {};
  if (url.username) {
    // fetch() rejects URLs with credentials; send them as basic auth instead.
    const user = decodeURIComponent(url.username);
    const password = decodeURIComponent(url.password);
    headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    url.username = '';
    url.password = '';
  }
  const base = url.href.replace(/\/+$/, '');
  let response;
  try {
    response = await fetch(`${base}/_cluster/health?wait_for_status=yellow&timeout=2s`, {
      headers,
      signal: AbortSignal.timeout(10_000),
    });
  } catch (err) {
    // fetch says only "fetch failed"; the reason (ECONNREFUSED, ...) is in its cause.
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
    throw new Error(`no answer from ${base}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
  const text = await response.text();
  /** @type {{ cluster_name?: unknown, status?: unknown, timed_out?: unknown }} */
  let health;
  try {
    health = JSON.parse(text);
  } catch {
    throw new Error(`HTTP ${response.status} from ${base}/_cluster/health is not Elasticsearch JSON: ${text.slice(0, 200)}`);
  }
  if (typeof health.cluster_name !== 'string' || typeof health.status !== 'string') {
    throw new Error(`HTTP ${response.status} from ${base}/_cluster/health: ${text.slice(0, 200)}`);
  }
  if (!response.ok || health.timed_out === true || health.status === 'red') {
    throw new Error(`cluster health is ${health.status} (HTTP ${response.status})`);
  }
}

/**
 * @param {import('./config.js').HarnessConfig} config
 * @param {import('./types.js').StartContext} context
 */
async function start(config, { log, register, dir }) {
  const javaHome = findJavaHome();
  const home = await install(config, log);
  for (const sub of ['data', 'logs', 'tmp']) fs.mkdirSync(path.join(dir, sub));
  const asRoot = isRoot();
  if (asRoot) {
    await ensureSystemUser(SERVICE_USER);
    // It writes its keystore into config/ on first start, so it must own the whole install.
    await chownRecursive(home, SERVICE_USER);
    await chownRecursive(dir, SERVICE_USER);
    ensureTraversable(home, log);
  }
  const address = `http://${HOST}:${config.esPort}`;
  const settings = {
    'cluster.name': CLUSTER_NAME,
    'node.name': 'causeway-test-node',
    'discovery.type': 'single-node',
    'network.host': HOST,
    'http.port': config.esPort,
    // Explicit, or a second node (cold-start check beside a running one) would hunt for a free port.
    'transport.port': config.esTransportPort,
    'xpack.security.enabled': false,
    'path.data': path.join(dir, 'data'),
    'path.logs': path.join(dir, 'logs'),
    // Developer disks are often >90% full; the watermark would block index creation mid-test.
    'cluster.routing.allocation.disk.threshold_enabled': false,
  };
  const [command, args] = asUser(
    asRoot ? SERVICE_USER : undefined,
    path.join(home, 'bin', 'elasticsearch'),
    Object.entries(settings).map(([key, value]) => `-E${key}=${value}`),
  );
  const stdoutLog = path.join(dir, 'stdout.log');
  const logFiles = [stdoutLog, path.join(dir, 'logs', `${CLUSTER_NAME}.log`)];
  log(`starting ${elasticsearch.name} on ${address} (Java ${javaHome}, data in ${dir})`);
  const server = spawnServer({
    command,
    args,
    cwd: home,
    env: {
      ...process.env,
      ES_JAVA_HOME: javaHome,
      // Two cores and three services: keep the heap small and fixed.
      ES_JAVA_OPTS: '-Xms512m -Xmx512m',
      ES_TMPDIR: path.join(dir, 'tmp'),
    },
    logFile: stdoutLog,
  });
  register({ address, pid: server.pid, dir, logFiles });
  await waitUntilReady({
    name: elasticsearch.name,
    probe: () => probe(address),
    timeoutMs: config.startTimeoutMs,
    server,
    logFiles: () => logFiles,
  });
}

/**
 * Elasticsearch 9 needs Java 21+, while the machine default is 17 (which Kafka uses).
 * ES_JAVA_HOME wins if set; else the newest Temurin 21+ under /usr/lib/jvm.
 */
function findJavaHome() {
  const fromEnv = process.env.ES_JAVA_HOME;
  if (fromEnv) return fromEnv;
  const jvmDir = '/usr/lib/jvm';
  /** @type {{ name: string, major: number }[]} */
  let candidates = [];
  try {
    candidates = fs
      .readdirSync(jvmDir)
      .map((name) => ({ name, major: Number(/^temurin-(\d+)/.exec(name)?.[1] ?? 0) }))
      .filter(({ name, major }) => major >= 21 && fs.existsSync(path.join(jvmDir, name, 'bin', 'java')))
      .sort((a, b) => b.major - a.major);
  } catch {
    // no /usr/lib/jvm
  }
  const best = candidates[0];
  if (!best) {
    throw new ServiceError(
      `${elasticsearch.name} needs Java 21 or newer: install Temurin 21+ (found none as /usr/lib/jvm/temurin-2x*) or set ES_JAVA_HOME.`,
    );
  }
  return path.join(jvmDir, best.name);
}

/**
 * Downloads (through the local Maven repository, so it happens once per machine) and unpacks
 * the distribution. Unpacks into a staging dir and renames, so a half-unpacked tree from an
 * interrupted run is never mistaken for an install.
 * @param {import('./config.js').HarnessConfig} config
 * @param {(line: string) => void} log
 * @returns {Promise<string>} the Elasticsearch home
 */
async function install(config, log) {
  const parent = path.join(config.cacheDir, 'elasticsearch');
  const home = path.join(parent, ELASTICSEARCH_VERSION);
  if (fs.existsSync(path.join(home, 'bin', 'elasticsearch'))) return home;
  fs.mkdirSync(parent, { recursive: true });
  const staging = fs.mkdtempSync(path.join(parent, '.staging-'));
  try {
    log(`fetching ${ARTIFACT} with Maven (about 100 MB on a machine that has not got it in ~/.m2)`);
    await run('mvn', ['-q', '-B', `${DEPENDENCY_PLUGIN}:copy`, `-Dartifact=${ARTIFACT}`, `-DoutputDirectory=${staging}`], {
      cwd: staging,
    });
    const zip = path.join(staging, `elasticsearch-${ELASTICSEARCH_VERSION}.zip`);
    log(`unpacking into ${home}`);
    await unzip(zip, staging);
    fs.rmSync(zip);
    try {
      fs.renameSync(path.join(staging, `elasticsearch-${ELASTICSEARCH_VERSION}`), home);
    } catch (err) {
      // Another harness finished the same install first; use that one.
      if (!fs.existsSync(path.join(home, 'bin', 'elasticsearch'))) throw err;
    }
    return home;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * `unzip` keeps the executable bits; the JDK's `jar` (always there, we need a JDK anyway) does
 * not, so after it the launcher scripts are made executable by hand.
 * @param {string} zip
 * @param {string} into
 */
async function unzip(zip, into) {
  if (await commandExists('unzip')) {
    await run('unzip', ['-q', zip, '-d', into]);
    return;
  }
  await run(path.join(findJavaHome(), 'bin', 'jar'), ['xf', zip], { cwd: into });
  const bin = path.join(into, `elasticsearch-${ELASTICSEARCH_VERSION}`, 'bin');
  for (const name of fs.readdirSync(bin)) fs.chmodSync(path.join(bin, name), 0o755);
}
