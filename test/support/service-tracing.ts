/**
 * One "service" of a multi-service test: its own tracer provider with its own `service.name`,
 * exporting over real OTLP/HTTP to the collector, exactly as a separate process would. The demo
 * shop's services are set up the same way, so the tests use that code.
 */
import { installTracingGlobals, serviceTracing as demoServiceTracing, type ServiceTracing } from '../../collector/src/demo/shop/tracing.js';

export { installTracingGlobals, type ServiceTracing };

/** A service's tracing, with the context manager and W3C propagators an SDK would install. */
export function serviceTracing(serviceName: string, collectorUrl: string): ServiceTracing {
  installTracingGlobals();
  return demoServiceTracing(serviceName, collectorUrl);
}
