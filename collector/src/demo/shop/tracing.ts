/**
 * Tracing of one demo service: its own tracer provider with its own `service.name`, exporting
 * over real OTLP/HTTP to the collector, as a separate process would.
 */
import { context, propagation } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { TimeOrderedIdGenerator } from '@causeway/instrumentation';

/**
 * The context manager (so the active span follows async handlers) and the W3C propagators (so
 * context travels in headers), as an OpenTelemetry SDK installs them. Each set call is a no-op
 * when something registered one already, so an embedding application keeps its own.
 */
export function installTracingGlobals(): void {
  const manager = new AsyncLocalStorageContextManager().enable();
  if (!context.setGlobalContextManager(manager)) manager.disable();
  propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
}

export interface ServiceTracing {
  serviceName: string;
  provider: BasicTracerProvider;
  /** Export what is buffered, then stop. */
  shutdown(): Promise<void>;
}

export function serviceTracing(serviceName: string, collectorUrl: string): ServiceTracing {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName, 'service.namespace': 'causeway-demo' }),
    // As an app with its own provider would set it up: trace ids time first (the SDK's README).
    idGenerator: new TimeOrderedIdGenerator(),
    // A short delay so the UI shows the demo live; the queue bound keeps memory flat if the collector stalls.
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${collectorUrl}/v1/traces` }), { scheduledDelayMillis: 250, maxQueueSize: 4096 })],
  });
  return { serviceName, provider, shutdown: () => provider.shutdown() };
}
