/**
 * The collector's own spans (a redrive's `redrive <destination>` producer span, linked to the dead
 * letter it republishes) go to the collector itself over OTLP/HTTP, like any service's, so the
 * redriven message's lineage shows where it came from. The exporter is made on the first export:
 * the collector's port is known only once it listens.
 */
import type { ExportResult } from '@opentelemetry/core';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';

export const COLLECTOR_SERVICE_NAME = 'causeway-collector';

class ExporterToSelf implements SpanExporter {
  private inner: OTLPTraceExporter | undefined;

  constructor(private readonly baseUrl: () => string | undefined) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    const url = this.baseUrl();
    // Not listening (yet, or any more): these spans have nowhere to go.
    if (url === undefined) {
      done({ code: ExportResultCode.FAILED });
      return;
    }
    this.inner ??= new OTLPTraceExporter({ url: `${url}/v1/traces` });
    this.inner.export(spans, done);
  }

  async shutdown(): Promise<void> {
    await this.inner?.shutdown();
  }

  async forceFlush(): Promise<void> {
    await this.inner?.forceFlush();
  }
}

/** A tracer provider whose spans the collector ingests itself; `baseUrl` answers once it listens. */
export function selfTracerProvider(baseUrl: () => string | undefined, version: string): BasicTracerProvider {
  return new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': COLLECTOR_SERVICE_NAME, 'service.version': version }),
    spanProcessors: [new BatchSpanProcessor(new ExporterToSelf(baseUrl), { scheduledDelayMillis: 500, maxQueueSize: 2048 })],
  });
}
