/**
 * The tracing set-up shared by the two instrumented variants, so they differ only in the
 * instrumentation: one SDK tracer provider, one batch processor, one OTLP/HTTP exporter to the
 * same collector. A counting processor shows how many spans each variant really made.
 */
import type { Context } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type ReadableSpan, type Span, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

class CountingSpanProcessor implements SpanProcessor {
  ended = 0;
  /** Attributes on the ended spans: with the span count, what each message costs to export. */
  attributes = 0;
  onStart(_span: Span, _context: Context): void {}
  onEnd(span: ReadableSpan): void {
    this.ended++;
    this.attributes += Object.keys(span.attributes).length;
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

export function startTracing(collectorUrl: string, serviceName: string) {
  const counter = new CountingSpanProcessor();
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    // A queue large enough that no variant drops spans: dropped spans would flatter its cost. The
    // exporter's concurrency limit (30 by default) is raised for the same reason: in the full run a
    // burst of 10,000 messages queues exports faster than the collector (sharing the two cores)
    // acknowledges them, and the 31st concurrent export would be refused.
    spanProcessors: [
      counter,
      new BatchSpanProcessor(new OTLPTraceExporter({ url: `${collectorUrl}/v1/traces`, concurrencyLimit: 1024 }), { maxQueueSize: 65_536, maxExportBatchSize: 512 }),
    ],
  });
  // Global context manager (AsyncLocalStorage) and W3C propagator: what an app's SDK would install.
  provider.register();
  return {
    provider,
    spansEnded: () => counter.ended,
    attributesEnded: () => counter.attributes,
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
