/**
 * Collector configuration: command-line flags, with environment variables as defaults.
 * Every flag has an environment twin so the collector configures the same way in a container.
 */
import { parseArgs } from 'node:util';
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
};

/** Boolean flags → environment variable (`1`/`true`/`yes` or `0`/`false`/`no`). */
const BOOLEAN_ENV: Record<string, string> = {
  demo: 'CAUSEWAY_DEMO',
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
                            instead of the in-process broker (CAUSEWAY_DEMO_BROKER)`;

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
  const get = (name: string): string | undefined => {
    const flag = values[name];
    const value = typeof flag === 'string' ? flag : env[ENV[name] ?? ''];
    return value === undefined || value === '' ? undefined : value;
  };
  const flag = (name: string): boolean => {
    const given = values[name];
    if (typeof given === 'boolean') return given;
    const variable = BOOLEAN_ENV[name] ?? '';
    const raw = env[variable]?.trim().toLowerCase();
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
  };
}

function integer(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`--${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}
