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
  ])('rejects %j with a message that says what is wrong', (argv, message) => {
    expect(() => parseConfig(argv, {})).toThrow(ConfigError);
    expect(() => parseConfig(argv, {})).toThrow(message);
  });
});
