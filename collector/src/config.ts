/**
 * Collector configuration: command-line flags, with environment variables as defaults.
 * Every flag has an environment twin so the collector configures the same way in a container.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { parseDuration } from './alerts/index.js';
import { parseBrokerUrl, type DemoBroker } from './demo/broker-url.js';

export interface CollectorConfig {
  host: string;
  port: number;
  /** `sqlite:<path>` or `http(s)://host:9200` (Elasticsearch). */
  storeUrl: string;
  elasticsearch: {
    apiKey?: string;
    username?: string;
    password?: string;
    caFile?: string;
    indexPrefix?: string;
  };
  /** Holds the write-ahead log (and the SQLite file by default). */
  dataDir: string;
  /** Largest accepted OTLP request, compressed or not. */
  maxBodyBytes: number;
  logLevel: string;
  /** Run the demo shop against this collector once it listens. */
  demo: boolean;
  /** The real broker the demo runs over; undefined for the in-process broker. */
  demoBroker?: DemoBroker;
  lag: LagConfig;
  /** YAML file of alert rules (read-only through the API). */
  alertRulesFile?: string;
  /** Bearer token that changes through the API (alert rules) require; unset: no token asked for. */
  adminToken?: string;
}

export interface LagConfig {
  /** How often brokers are polled and lag is judged. */
  intervalMs: number;
  /** Polls the status rules look back over. */
  window: number;
  /** Raw samples are kept this long; 5-minute rollups for `rollupRetentionMs`. */
  rawRetentionMs: number;
  rollupRetentionMs: number;
  kafka?: {
    brokers: string[];
    ssl: boolean;
    sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
    /** Group globs to watch; default all. */
    groups?: string[];
  };
  rabbitmq?: {
    amqpUrl?: string;
    managementUrl?: string;
    /** Queue names or globs; default: every queue the management API lists, or the queues seen in consumer spans. */
    queues?: string[];
  };
}

export class ConfigError extends Error {}

const DEFAULT_DATA_DIR = './data';

/** Flag name → environment variable. */
const ENV: Record<string, string> = {
  host: 'CAUSEWAY_HOST',
  port: 'CAUSEWAY_PORT',
  store: 'CAUSEWAY_STORE',
  'data-dir': 'CAUSEWAY_DATA_DIR',
  'es-api-key': 'CAUSEWAY_ES_API_KEY',
  'es-username': 'CAUSEWAY_ES_USERNAME',
  'es-password': 'CAUSEWAY_ES_PASSWORD',
  'es-ca-file': 'CAUSEWAY_ES_CA_FILE',
  'es-index-prefix': 'CAUSEWAY_ES_INDEX_PREFIX',
  'max-body-bytes': 'CAUSEWAY_MAX_BODY_BYTES',
  'log-level': 'CAUSEWAY_LOG_LEVEL',
  broker: 'CAUSEWAY_DEMO_BROKER',
  config: 'CAUSEWAY_CONFIG',
  kafka: 'CAUSEWAY_KAFKA_BROKERS',
  'kafka-sasl-mechanism': 'CAUSEWAY_KAFKA_SASL_MECHANISM',
  'kafka-username': 'CAUSEWAY_KAFKA_USERNAME',
  'kafka-password': 'CAUSEWAY_KAFKA_PASSWORD',
  'kafka-groups': 'CAUSEWAY_KAFKA_GROUPS',
  rabbitmq: 'CAUSEWAY_RABBITMQ_URL',
  'rabbitmq-management': 'CAUSEWAY_RABBITMQ_MANAGEMENT_URL',
  'rabbitmq-queues': 'CAUSEWAY_RABBITMQ_QUEUES',
  'lag-interval': 'CAUSEWAY_LAG_INTERVAL',
  'lag-window': 'CAUSEWAY_LAG_WINDOW',
  'lag-retention': 'CAUSEWAY_LAG_RETENTION',
  'lag-rollup-retention': 'CAUSEWAY_LAG_ROLLUP_RETENTION',
  'alert-rules': 'CAUSEWAY_ALERT_RULES',
  'admin-token': 'CAUSEWAY_ADMIN_TOKEN',
};

/** Boolean flags → environment variable (`1`/`true`/`yes` or `0`/`false`/`no`). */
const BOOLEAN_ENV: Record<string, string> = {
  demo: 'CAUSEWAY_DEMO',
  'kafka-ssl': 'CAUSEWAY_KAFKA_SSL',
};

export const CONFIG_HELP = `Options (each also read from the environment variable shown):
  --host <addr>             address to listen on (CAUSEWAY_HOST, default 127.0.0.1)
  --port <n>                HTTP port for OTLP (/v1/traces) and the API (/api) (CAUSEWAY_PORT, default 4318)
  --store <url>             sqlite:<path> or http(s)://host:9200 for Elasticsearch
                            (CAUSEWAY_STORE, default sqlite:<data-dir>/causeway.db)
  --data-dir <dir>          write-ahead log and default SQLite location (CAUSEWAY_DATA_DIR, default ./data)
  --es-api-key <key>        Elasticsearch API key (CAUSEWAY_ES_API_KEY)
  --es-username <user>      Elasticsearch basic auth user (CAUSEWAY_ES_USERNAME)
  --es-password <pass>      Elasticsearch basic auth password (CAUSEWAY_ES_PASSWORD)
  --es-ca-file <path>       CA certificate (PEM) for https Elasticsearch (CAUSEWAY_ES_CA_FILE)
  --es-index-prefix <name>  index name prefix (CAUSEWAY_ES_INDEX_PREFIX, default causeway)
  --max-body-bytes <n>      largest OTLP request accepted (CAUSEWAY_MAX_BODY_BYTES, default 16777216)
  --log-level <level>       fatal|error|warn|info|debug|trace (CAUSEWAY_LOG_LEVEL, default info)
  --demo                    also run the demo shop (five services) against this collector (CAUSEWAY_DEMO=1)
  --broker <url>            with --demo: run the shop over kafka://host:port or amqp://[user:pass@]host:port
                            instead of the in-process broker (CAUSEWAY_DEMO_BROKER)
  --config <file>           YAML or JSON file of these options by flag name, e.g. \`kafka: host:9092\`
                            (CAUSEWAY_CONFIG); flags and environment variables win over it

Consumer lag and alerts:
  --kafka <host:port,...>   poll this Kafka cluster's consumer groups (CAUSEWAY_KAFKA_BROKERS)
  --kafka-ssl               connect to Kafka over TLS (CAUSEWAY_KAFKA_SSL=1)
  --kafka-sasl-mechanism <m> plain, scram-sha-256 or scram-sha-512 (CAUSEWAY_KAFKA_SASL_MECHANISM)
  --kafka-username <user>   SASL user (CAUSEWAY_KAFKA_USERNAME)
  --kafka-password <pass>   SASL password (CAUSEWAY_KAFKA_PASSWORD)
  --kafka-groups <globs>    comma-separated group globs to watch (CAUSEWAY_KAFKA_GROUPS, default all)
  --rabbitmq <amqp-url>     check RabbitMQ queues by passive declare (CAUSEWAY_RABBITMQ_URL)
  --rabbitmq-management <url> RabbitMQ management API, e.g. http://user:pass@host:15672; preferred
                            when given (CAUSEWAY_RABBITMQ_MANAGEMENT_URL)
  --rabbitmq-queues <globs> comma-separated queues to watch (CAUSEWAY_RABBITMQ_QUEUES; default all the
                            management API lists, or those seen in consumer spans)
  --lag-interval <dur>      how often lag is polled and judged (CAUSEWAY_LAG_INTERVAL, default 10s)
  --lag-window <n>          polls the status rules look back over (CAUSEWAY_LAG_WINDOW, default 10)
  --lag-retention <dur>     raw lag samples kept (CAUSEWAY_LAG_RETENTION, default 24h)
  --lag-rollup-retention <dur> 5-minute lag rollups kept (CAUSEWAY_LAG_ROLLUP_RETENTION, default 30d)
  --alert-rules <file>      YAML file of alert rules, see deploy/alerts.example.yaml (CAUSEWAY_ALERT_RULES)
  --admin-token <token>     bearer token required to change alert rules through the API (CAUSEWAY_ADMIN_TOKEN)`;

export function parseConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): CollectorConfig {
  let values: Record<string, string | boolean | undefined>;
  try {
    const options = {
      ...Object.fromEntries(Object.keys(ENV).map((name) => [name, { type: 'string' as const }])),
      ...Object.fromEntries(Object.keys(BOOLEAN_ENV).map((name) => [name, { type: 'boolean' as const }])),
    };
    values = parseArgs({ args: argv, options, allowPositionals: false, strict: true }).values as Record<string, string | boolean | undefined>;
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  const configPath = typeof values.config === 'string' ? values.config : env[ENV.config ?? ''] || undefined;
  const file = configPath === undefined ? {} : readConfigFile(configPath);
  const get = (name: string): string | undefined => {
    const flag = values[name];
    const value = typeof flag === 'string' ? flag : (env[ENV[name] ?? ''] || file[name]);
    return value === undefined || value === '' ? undefined : value;
  };
  const flag = (name: string): boolean => {
    const given = values[name];
    if (typeof given === 'boolean') return given;
    const variable = BOOLEAN_ENV[name] ?? '';
    const raw = (env[variable] || file[name])?.trim().toLowerCase();
    if (raw === undefined || raw === '' || ['0', 'false', 'no'].includes(raw)) return false;
    if (['1', 'true', 'yes'].includes(raw)) return true;
    throw new ConfigError(`${variable} must be 1, true, yes, 0, false or no; got "${env[variable]}"`);
  };

  const dataDir = get('data-dir') ?? DEFAULT_DATA_DIR;
  const storeUrl = get('store') ?? `sqlite:${dataDir.replace(/\/+$/, '')}/causeway.db`;
  if (!/^sqlite:.+/.test(storeUrl) && !/^https?:\/\/[^/]+/.test(storeUrl)) {
    throw new ConfigError(`--store must be sqlite:<path> or an http(s):// Elasticsearch URL, got "${storeUrl}"`);
  }
  const logLevel = get('log-level') ?? 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new ConfigError(`--log-level must be one of fatal, error, warn, info, debug, trace, silent; got "${logLevel}"`);
  }
  const demo = flag('demo');
  const brokerUrl = get('broker');
  let demoBroker: DemoBroker | undefined;
  if (brokerUrl !== undefined) {
    if (!demo) throw new ConfigError('--broker only applies to the demo: add --demo (or set CAUSEWAY_DEMO=1)');
    const parsed = parseBrokerUrl(brokerUrl);
    if ('error' in parsed) throw new ConfigError(parsed.error);
    demoBroker = parsed;
  }
  return {
    host: get('host') ?? '127.0.0.1',
    port: integer('port', get('port'), 4318, 0, 65535),
    storeUrl,
    elasticsearch: {
      apiKey: get('es-api-key'),
      username: get('es-username'),
      password: get('es-password'),
      caFile: get('es-ca-file'),
      indexPrefix: get('es-index-prefix'),
    },
    dataDir,
    maxBodyBytes: integer('max-body-bytes', get('max-body-bytes'), 16 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    logLevel,
    demo,
    demoBroker,
    lag: lagConfig(get, flag),
    alertRulesFile: get('alert-rules'),
    adminToken: get('admin-token'),
  };
}

function lagConfig(get: (name: string) => string | undefined, flag: (name: string) => boolean): LagConfig {
  const list = (name: string): string[] | undefined => {
    const items = get(name)?.split(',').map((item) => item.trim()).filter((item) => item !== '');
    return items && items.length > 0 ? items : undefined;
  };
  const config: LagConfig = {
    intervalMs: duration('lag-interval', get('lag-interval'), 10_000, 200),
    window: integer('lag-window', get('lag-window'), 10, 3, 1000),
    rawRetentionMs: duration('lag-retention', get('lag-retention'), 24 * 3600_000, 60_000),
    rollupRetentionMs: duration('lag-rollup-retention', get('lag-rollup-retention'), 30 * 24 * 3600_000, 3600_000),
  };
  const brokers = list('kafka');
  if (brokers) {
    const bad = brokers.find((broker) => !/^[^:\s]+:\d{1,5}$/.test(broker) && !/^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(broker));
    if (bad !== undefined) throw new ConfigError(`--kafka needs host:port[,host:port…], got "${bad}"`);
    const mechanism = get('kafka-sasl-mechanism');
    const username = get('kafka-username');
    const password = get('kafka-password');
    let sasl: NonNullable<LagConfig['kafka']>['sasl'];
    if (mechanism !== undefined || username !== undefined || password !== undefined) {
      if (mechanism !== 'plain' && mechanism !== 'scram-sha-256' && mechanism !== 'scram-sha-512') {
        throw new ConfigError(`--kafka-sasl-mechanism must be plain, scram-sha-256 or scram-sha-512, got "${mechanism ?? ''}"`);
      }
      if (username === undefined || password === undefined) throw new ConfigError('Kafka SASL needs both --kafka-username and --kafka-password');
      sasl = { mechanism, username, password };
    }
    config.kafka = { brokers, ssl: flag('kafka-ssl'), sasl, groups: list('kafka-groups') };
  } else if (get('kafka-groups') !== undefined || get('kafka-username') !== undefined) {
    throw new ConfigError('--kafka-groups and the Kafka credentials need --kafka <host:port>');
  }
  const amqpUrl = get('rabbitmq');
  const managementUrl = get('rabbitmq-management');
  if (amqpUrl !== undefined && !/^amqps?:\/\/[^/]/i.test(amqpUrl)) throw new ConfigError(`--rabbitmq must be an amqp(s):// URL, got "${amqpUrl}"`);
  if (managementUrl !== undefined && !/^https?:\/\/[^/]/i.test(managementUrl)) {
    throw new ConfigError(`--rabbitmq-management must be an http(s):// URL, got "${managementUrl}"`);
  }
  if (amqpUrl !== undefined || managementUrl !== undefined) config.rabbitmq = { amqpUrl, managementUrl, queues: list('rabbitmq-queues') };
  else if (get('rabbitmq-queues') !== undefined) throw new ConfigError('--rabbitmq-queues needs --rabbitmq or --rabbitmq-management');
  return config;
}

function duration(name: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  let ms: number;
  try {
    ms = parseDuration(raw.trim());
  } catch {
    throw new ConfigError(`--${name} must be a duration like 500ms, 10s, 5m, 1h or 1d, got "${raw}"`);
  }
  if (ms < min) throw new ConfigError(`--${name} must be at least ${min} ms, got "${raw}"`);
  return ms;
}

/** The `--config` file: a YAML (or JSON) map from flag names to values. */
function readConfigFile(path: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`--config ${path} cannot be read: ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (err) {
    throw new ConfigError(`--config ${path} is not valid YAML or JSON: ${(err as Error).message}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new ConfigError(`--config ${path} must be a map of option names to values`);
  const known = new Set([...Object.keys(ENV), ...Object.keys(BOOLEAN_ENV)]);
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (key === 'config' || !known.has(key)) throw new ConfigError(`--config ${path}: unknown option "${key}"`);
    if (Array.isArray(value) && value.every((item) => typeof item === 'string')) values[key] = value.join(',');
    else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') values[key] = String(value);
    else throw new ConfigError(`--config ${path}: "${key}" must be a string, number, boolean or list of strings`);
  }
  return values;
}

function integer(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`--${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}
