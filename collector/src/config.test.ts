import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.js';

describe('parseConfig', () => {
  it('defaults to the embedded store on port 4318', () => {
    const config = parseConfig([], {});
    expect(config).toMatchObject({ host: '127.0.0.1', port: 4318, storeUrl: 'sqlite:./data/causeway.db', dataDir: './data' });
  });

  it('puts the default SQLite file in the data directory', () => {
    expect(parseConfig(['--data-dir', '/var/lib/causeway/'], {}).storeUrl).toBe('sqlite:/var/lib/causeway/causeway.db');
  });

  it('reads every option from the environment, and flags win over it', () => {
    const env = {
      CAUSEWAY_PORT: '9000',
      CAUSEWAY_STORE: 'https://es.internal:9200',
      CAUSEWAY_ES_API_KEY: 'k',
      CAUSEWAY_ES_USERNAME: 'u',
      CAUSEWAY_ES_PASSWORD: 'p',
      CAUSEWAY_ES_CA_FILE: '/ca.pem',
      CAUSEWAY_ES_INDEX_PREFIX: 'cw',
    };
    const config = parseConfig(['--port', '9100'], env);
    expect(config.port).toBe(9100);
    expect(config.storeUrl).toBe('https://es.internal:9200');
    expect(config.elasticsearch).toEqual({ apiKey: 'k', username: 'u', password: 'p', caFile: '/ca.pem', indexPrefix: 'cw' });
  });

  it.each([
    [['--port', 'abc'], /--port must be an integer between 0 and 65535, got "abc"/],
    [['--port', '70000'], /--port must be an integer/],
    [['--store', 'mysql://x'], /--store must be sqlite:<path> or an http\(s\):\/\/ Elasticsearch URL/],
    [['--log-level', 'loud'], /--log-level must be one of/],
    [['--bogus'], /Unknown option '--bogus'/],
    [['--demo', '--broker', 'redis://127.0.0.1:6379'], /--broker must be kafka:\/\/host:port or amqp:\/\/host:port, got "redis:\/\/127.0.0.1:6379"/],
    [['--demo', '--broker', 'kafka://127.0.0.1'], /--broker kafka:\/\/ needs host:port\[,host:port…\], got "127.0.0.1"/],
    [['--demo', '--broker', 'amqp://'], /--broker "amqp:\/\/" (is not a valid amqp:\/\/ URL|has no host)/],
    [['--broker', 'kafka://127.0.0.1:9092'], /--broker only applies to the demo: add --demo/],
  ])('rejects %j with a message that says what is wrong', (argv, message) => {
    expect(() => parseConfig(argv, {})).toThrow(ConfigError);
    expect(() => parseConfig(argv, {})).toThrow(message);
  });

  it('runs the collector alone unless --demo or CAUSEWAY_DEMO asks for the demo', () => {
    expect(parseConfig([], {})).toMatchObject({ demo: false, demoBroker: undefined });
    expect(parseConfig(['--demo'], {})).toMatchObject({ demo: true, demoBroker: undefined });
    expect(parseConfig([], { CAUSEWAY_DEMO: 'true' }).demo).toBe(true);
    expect(parseConfig([], { CAUSEWAY_DEMO: '0' }).demo).toBe(false);
    expect(() => parseConfig([], { CAUSEWAY_DEMO: 'maybe' })).toThrow('CAUSEWAY_DEMO must be 1, true, yes, 0, false or no; got "maybe"');
  });

  it('reads the demo broker from --broker or CAUSEWAY_DEMO_BROKER', () => {
    expect(parseConfig(['--demo', '--broker', 'kafka://k1:9092,k2:9093'], {}).demoBroker).toEqual({ kind: 'kafka', brokers: ['k1:9092', 'k2:9093'] });
    expect(parseConfig(['--demo'], { CAUSEWAY_DEMO_BROKER: 'amqp://127.0.0.1:5672' }).demoBroker).toEqual({ kind: 'rabbitmq', url: 'amqp://guest:guest@127.0.0.1:5672' });
    expect(parseConfig([], { CAUSEWAY_DEMO: '1', CAUSEWAY_DEMO_BROKER: 'amqp://app:secret@mq:5672/shop' }).demoBroker).toEqual({ kind: 'rabbitmq', url: 'amqp://app:secret@mq:5672/shop' });
  });

  it('polls no broker for lag unless asked, every 10 s over 10 polls by default', () => {
    expect(parseConfig([], {}).lag).toEqual({ intervalMs: 10_000, window: 10, rawRetentionMs: 86_400_000, rollupRetentionMs: 30 * 86_400_000 });
  });

  it('reads the lag sources and their settings from flags and the environment', () => {
    const config = parseConfig(
      ['--kafka', 'k1:9092,k2:9092', '--kafka-groups', 'orders-*, billing', '--lag-interval', '2s', '--lag-window', '6', '--rabbitmq-management', 'http://u:p@mq:15672'],
      { CAUSEWAY_RABBITMQ_URL: 'amqp://mq:5672', CAUSEWAY_KAFKA_SASL_MECHANISM: 'scram-sha-512', CAUSEWAY_KAFKA_USERNAME: 'u', CAUSEWAY_KAFKA_PASSWORD: 'p', CAUSEWAY_KAFKA_SSL: '1' },
    );
    expect(config.lag).toMatchObject({
      intervalMs: 2000,
      window: 6,
      kafka: { brokers: ['k1:9092', 'k2:9092'], groups: ['orders-*', 'billing'], ssl: true, sasl: { mechanism: 'scram-sha-512', username: 'u', password: 'p' } },
      rabbitmq: { amqpUrl: 'amqp://mq:5672', managementUrl: 'http://u:p@mq:15672' },
    });
  });

  it('reads options from a --config file, below flags and environment variables', () => {
    const dir = mkdtempSync(join(tmpdir(), 'causeway-config-'));
    try {
      const file = join(dir, 'causeway.yaml');
      writeFileSync(file, 'port: 9999\nkafka: [k1:9092, k2:9092]\nlag-interval: 5s\nalert-rules: /etc/causeway/rules.yaml\nkafka-ssl: true\n');
      const config = parseConfig(['--config', file, '--lag-interval', '3s'], { CAUSEWAY_PORT: '7000' });
      expect(config).toMatchObject({ port: 7000, alertRulesFile: '/etc/causeway/rules.yaml' });
      expect(config.lag).toMatchObject({ intervalMs: 3000, kafka: { brokers: ['k1:9092', 'k2:9092'], ssl: true } });
      writeFileSync(file, 'kafak: k1:9092\n');
      expect(() => parseConfig(['--config', file], {})).toThrow(/unknown option "kafak"/);
      expect(() => parseConfig(['--config', join(dir, 'missing.yaml')], {})).toThrow(/cannot be read/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [['--kafka', 'k1'], /--kafka needs host:port/],
    [['--kafka-groups', 'a*'], /need --kafka/],
    [['--kafka', 'k1:9092', '--kafka-sasl-mechanism', 'gssapi', '--kafka-username', 'u', '--kafka-password', 'p'], /--kafka-sasl-mechanism must be/],
    [['--kafka', 'k1:9092', '--kafka-username', 'u'], /--kafka-sasl-mechanism must be/],
    [['--rabbitmq', 'http://mq:5672'], /--rabbitmq must be an amqp\(s\):\/\/ URL/],
    [['--rabbitmq-management', 'mq:15672'], /--rabbitmq-management must be an http\(s\):\/\/ URL/],
    [['--rabbitmq-queues', 'a'], /--rabbitmq-queues needs --rabbitmq/],
    [['--lag-interval', 'often'], /--lag-interval must be a duration/],
    [['--lag-interval', '10ms'], /--lag-interval must be at least 200 ms/],
    [['--lag-window', '2'], /--lag-window must be an integer between 3 and 1000/],
  ])('rejects lag option %j with a message that says what is wrong', (argv, message) => {
    expect(() => parseConfig(argv, {})).toThrow(message);
  });
});
