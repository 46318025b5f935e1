/**
 * One "service" of a multi-service test: its own tracer provider with its own `service.name`,
 * exporting over real OTLP/HTTP to the collector, exactly as a separate process would.
 */
import { context, propagation } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, BasicTracerProvider } from '@opentelemetry/sdk-trace-base';

let globalsInstalled = false;

/** Context manager and W3C propagators, as `startCauseway` / NodeSDK install them in a real app. */
export function installTracingGlobals(): void {
  if (globalsInstalled) return;
  globalsInstalled = true;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
}

export interface ServiceTracing {
  serviceName: string;
  provider: BasicTracerProvider;
  shutdown(): Promise<void>;
  flush(): Promise<void>;
}

export function serviceTracing(serviceName: string, collectorUrl: string): ServiceTracing {
  installTracingGlobals();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${collectorUrl}/v1/traces` }), { scheduledDelayMillis: 200 })],
  });
  return {
    serviceName,
    provider,
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
