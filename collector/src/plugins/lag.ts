/**
 * The lag monitor: polls the configured brokers (`--kafka`, `--rabbitmq`, `--rabbitmq-management`;
 * `--demo` adds the demo's broker once it runs), stores samples, and after every poll feeds the
 * statuses to the alert engine and the metrics.
 */
import fp from 'fastify-plugin';
import type { CollectorConfig } from '../config.js';
import { LagMonitor } from '../lag/monitor.js';
import { configuredLagSources } from '../lag/sources/configured.js';

declare module 'fastify' {
  interface FastifyInstance {
    lag: LagMonitor;
  }
}

export default fp(
  async (app, opts: { config: CollectorConfig }) => {
    const { lag } = opts.config;
    const monitor = new LagMonitor({
      store: app.store,
      intervalMs: lag.intervalMs,
      window: lag.window,
      rawRetentionMs: lag.rawRetentionMs,
      rollupRetentionMs: lag.rollupRetentionMs,
      log: app.log,
      onPoll: (source, ok, durationMs) => app.metrics.recordPoll(source, ok, durationMs),
      onEvaluated: async (groups, now) => {
        app.metrics.updateLag(groups);
        await app.alerts.evaluate(groups, now);
        app.metrics.updateAlerts(app.alerts.active());
      },
    });
    for (const source of configuredLagSources(lag, { store: app.store, log: app.log })) monitor.addSource(source);
    app.decorate('lag', monitor);
    // Polling starts once the collector listens, so a slow broker never delays startup.
    app.addHook('onReady', async () => monitor.start());
    // Registered after the alert engine, so the monitor stops before the engine and the store close.
    app.addHook('onClose', async () => {
      await monitor.close();
    });
  },
  { name: 'causeway-lag', dependencies: ['causeway-store', 'causeway-alerts', 'causeway-metrics'] },
);
