/**
 * Elasticsearch, Kafka and RabbitMQ for the benchmarks, made available exactly as `npm test` does
 * (the same harness: CAUSEWAY_TEST_* addresses win, running instances are reused, missing ones
 * started), and stopped afterwards only if this run started them.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, repoRoot } from '../../test/services/config.js';
import { createHarness, redact, testEnvironment } from '../../test/services/harness.js';

export interface ServiceAddresses {
  elasticsearchUrl: string;
  kafkaBrokers: string;
  amqpUrl: string;
  /** Elasticsearch's process group when this run started it (undefined when reused or given). */
  elasticsearchProcessGroup: number | undefined;
  /** CAUSEWAY_TEST_* variables for child processes. */
  env: Record<string, string>;
}

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

/** The bench runs the built packages and builds nothing itself: says what is missing, if anything. */
export function assertBuilt(): string | undefined {
  const missing = ['collector/dist/index.js', 'instrumentation/dist/index.js'].filter((file) => !existsSync(join(repoRoot, file)));
  if (missing.length === 0) return undefined;
  return `${missing.join(' and ')} missing: run \`npm run build\` first (the benchmarks measure the built packages)`;
}

export function startServices() {
  const harness = createHarness({ config: loadConfig(), owner: 'run', log });
  return {
    async ensure(): Promise<ServiceAddresses> {
      const handles = await harness.ensure();
      const env = testEnvironment(handles) as Record<string, string>;
      for (const handle of handles) log(`${handle.envVar}=${redact(handle.address)} (${handle.source})`);
      const get = (name: string) => {
        const value = env[name];
        if (!value) throw new Error(`the harness gave no ${name}`);
        return value;
      };
      return {
        elasticsearchUrl: get('CAUSEWAY_TEST_ES_URL').replace(/\/+$/, ''),
        kafkaBrokers: get('CAUSEWAY_TEST_KAFKA_BROKERS'),
        amqpUrl: get('CAUSEWAY_TEST_AMQP_URL'),
        elasticsearchProcessGroup: handles.find((handle) => handle.id === 'elasticsearch')?.processGroup,
        env,
      };
    },
    stop: () => harness.stop(),
  };
}

export { log, repoRoot };
