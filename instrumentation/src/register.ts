/**
 * Zero-code entry: `node --import @causeway/instrumentation/register app.mjs` (ESM apps) or
 * `node -r @causeway/instrumentation/register app.js` (CommonJS apps).
 *
 * It must run before the app loads kafkajs or amqplib so their module hooks see the load. No
 * top-level await: Node 20.19+ can then `require()` this ES module, which is what `-r` does.
 * Configuration is the standard OpenTelemetry environment (OTEL_SERVICE_NAME,
 * OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_PROPAGATORS, ...).
 */
import { diag } from '@opentelemetry/api';
import { flushOnExit } from './sdk/exit-flush.js';
import { serviceNameFromEnvironment } from './sdk/service-name.js';
import { startCauseway } from './sdk/start.js';

try {
  const handle = startCauseway({ serviceName: serviceNameFromEnvironment() });
  flushOnExit(handle);
} catch (err) {
  // A preload that throws would stop the app from starting at all.
  diag.error('causeway: zero-code registration failed', err);
}
