/**
 * Collector configuration: command-line flags, with environment variables as defaults.
 * Every flag has an environment twin so the collector configures the same way in a container.
 */
import { parseArgs } from 'node:util';

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
  --log-level <level>       fatal|error|warn|info|debug|trace (CAUSEWAY_LOG_LEVEL, default info)`;

export function parseConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): CollectorConfig {
  let values: Record<string, string | undefined>;
  try {
    const options = Object.fromEntries(Object.keys(ENV).map((name) => [name, { type: 'string' as const }]));
    values = parseArgs({ args: argv, options, allowPositionals: false, strict: true }).values as Record<string, string | undefined>;
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  const get = (name: string): string | undefined => {
    const value = values[name] ?? env[ENV[name] ?? ''];
    return value === undefined || value === '' ? undefined : value;
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
