/**
 * `causeway` command line. `causeway start [options]` runs the collector until SIGINT/SIGTERM;
 * with `--demo` it also runs the demo shop against it, started once the collector listens.
 */
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { queuesSeenInSpans } from './lag/sources/queues-seen-in-spans.js';
import { CONFIG_HELP, ConfigError, parseConfig } from './config.js';
import { applyHeapPolicy } from './heap-policy.js';
import { storeKindOf } from './store/kind.js';
import type { RunningDemo } from './demo/index.js';

const USAGE = `Usage: causeway start [options]

Runs the Causeway collector: OTLP/HTTP traces in at POST /v1/traces, query API at /api.
With --demo it also runs a demo shop (order, payment, inventory, shipping and notification
services) whose instrumented messages show up within seconds.

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
    // parseConfig accepts only URLs of a known store.
    applyHeapPolicy(storeKindOf(config.storeUrl) ?? 'sqlite');
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`causeway: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  let app;
  try {
    app = await buildApp(config);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`causeway: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  let demo: RunningDemo | undefined;
  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    // The demo first, so its last spans still reach the collector.
    await demo?.stop().catch((err: unknown) => app.log.warn({ err }, 'demo did not stop cleanly'));
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
      `  metrics:          http://${shownHost}:${port}/metrics\n` +
      `  store:            ${config.storeUrl.replace(/\/\/[^@/]*@/, '//***@')}\n`,
  );
  if (config.demo) {
    // Loaded only for the demo, so the collector alone never loads broker clients.
    const { startDemo } = await import('./demo/index.js');
    try {
      demo = await startDemo({ collectorUrl: `http://${loopbackHost(config.host)}:${port}`, broker: config.demoBroker });
    } catch (err) {
      process.stderr.write(`causeway: the demo could not start: ${err instanceof Error ? err.message : String(err)}\n`);
      await app.close();
      return 1;
    }
    if (stopping) await demo.stop();
    await watchDemoLag(app, demo);
    if (demo.inProcessBroker) {
      const { InProcessRedriver, inProcessDeadLetterQueues } = await import('./demo/redrive.js');
      app.redrive.addRedriver('in-process', new InProcessRedriver(demo.inProcessBroker), inProcessDeadLetterQueues(demo.inProcessBroker));
    }
    process.stdout.write(`  demo:             five shop services over ${demo.description}; open http://${shownHost}:${port}/\n`);
  }
  return -1;
}

/** Adds the demo broker's consumer groups to the lag monitor, unless the flags already poll that broker. */
async function watchDemoLag(app: FastifyInstance, demo: RunningDemo): Promise<void> {
  try {
    const source = await demo.createLagSource({ discoverQueues: queuesSeenInSpans(app.store), log: app.log });
    if (app.lag.hasSource(source.name)) {
      await source.close();
      return;
    }
    app.lag.addSource(source);
  } catch (err) {
    app.log.warn({ err }, 'the demo broker\'s lag is not watched');
  }
}

/** The address the in-process demo uses to reach this collector. */
function loopbackHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
