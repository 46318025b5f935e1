/**
 * `causeway` command line. `causeway start [options]` runs the collector until SIGINT/SIGTERM.
 */
import { buildApp } from './app.js';
import { CONFIG_HELP, ConfigError, parseConfig } from './config.js';

const USAGE = `Usage: causeway start [options]

Runs the Causeway collector: OTLP/HTTP traces in at POST /v1/traces, query API at /api.

${CONFIG_HELP}`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined ? 1 : 0;
  }
  if (command !== 'start') {
    process.stderr.write(`causeway: unknown command "${command}"\n\n${USAGE}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let config;
  try {
    config = parseConfig(rest);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`causeway: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const app = await buildApp(config);
  const stop = async (signal: string): Promise<void> => {
    app.log.info({ signal }, 'shutting down');
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  process.stdout.write(
    `Causeway collector listening on http://${shownHost}:${port}\n` +
      `  OTLP/HTTP traces: http://${shownHost}:${port}/v1/traces\n` +
      `  API:              http://${shownHost}:${port}/api/events\n` +
      `  store:            ${config.storeUrl.replace(/\/\/[^@/]*@/, '//***@')}\n`,
  );
  return -1;
}
