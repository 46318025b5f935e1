/**
 * The alert engine: rules from `--alert-rules` (read-only) and from the API (stored), evaluated
 * after every lag poll; notifications go to the rules' webhooks.
 */
import fp from 'fastify-plugin';
import { AlertEngine, loadRulesFile } from '../alerts/index.js';
import { ConfigError, type CollectorConfig } from '../config.js';

declare module 'fastify' {
  interface FastifyInstance {
    alerts: AlertEngine;
  }
}

export default fp(
  async (app, opts: { config: CollectorConfig }) => {
    const file = opts.config.alertRulesFile;
    let fileRules;
    try {
      fileRules = file === undefined ? [] : loadRulesFile(file);
    } catch (err) {
      throw new ConfigError(`--alert-rules: ${(err as Error).message}`);
    }
    const alerts = await AlertEngine.create({ store: app.store, log: app.log });
    alerts.setFileRules(fileRules);
    if (file !== undefined) app.log.info({ file, rules: fileRules.length }, 'alert rules loaded');
    app.decorate('alerts', alerts);
    app.addHook('onClose', async () => {
      await alerts.close();
    });
  },
  { name: 'causeway-alerts', dependencies: ['causeway-store'] },
);
