/**
 * A bounded export pipeline that counts what it loses.
 *
 * `BatchSpanProcessor` already caps its queue, but it only logs (and resets) its drop count, and it
 * does not count spans whose export failed. We put a gate in front of it and a wrapper around the
 * exporter: the gate tracks how many sampled spans are held in memory (handed to the processor and
 * not yet through an export attempt, whether still queued or in flight) and refuses — and counts —
 * spans once `maxQueueSize` are held; the exporter wrapper releases spans when their export
 * settles and counts every span of a failed export. Counting in-flight spans too is what makes
 * `maxQueueSize` a real memory bound while a slow collector keeps exports pending. The inner
 * processor gets the same cap, so it never drops a span the gate let through.
 */
import { TraceFlags, diag, type Context } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { BatchSpanProcessor, type ReadableSpan, type Span, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';

export const DEFAULT_MAX_QUEUE_SIZE = 2048;
const DEFAULT_MAX_EXPORT_BATCH_SIZE = 512;

export interface BoundedExportOptions {
  maxQueueSize?: number;
  /** How long spans wait before a batch is sent (ms). Default: the BatchSpanProcessor's. */
  scheduledDelayMillis?: number;
}

export class DropCountingSpanProcessor implements SpanProcessor {
  private readonly inner: BatchSpanProcessor;
  private readonly maxQueueSize: number;
  private held = 0;
  private dropped = 0;
  private shutDown = false;

  constructor(exporter: SpanExporter, options: BoundedExportOptions = {}) {
    this.maxQueueSize = positiveInteger(options.maxQueueSize) ?? DEFAULT_MAX_QUEUE_SIZE;
    const counted = new CountingExporter(exporter, (count, exported) => {
      this.held = Math.max(0, this.held - count);
      if (!exported) this.dropped += count;
    });
    this.inner = new BatchSpanProcessor(counted, {
      maxQueueSize: this.maxQueueSize,
      maxExportBatchSize: Math.min(DEFAULT_MAX_EXPORT_BATCH_SIZE, this.maxQueueSize),
      ...(options.scheduledDelayMillis !== undefined ? { scheduledDelayMillis: options.scheduledDelayMillis } : {}),
    });
  }

  /** Spans lost so far: refused because the queue was full, or part of an export that failed. */
  droppedSpans(): number {
    return this.dropped;
  }

  onStart(span: Span, parentContext: Context): void {
    this.inner.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    // Unsampled spans are never queued by the batch processor; they are neither held nor dropped.
    if (this.shutDown || (span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return this.inner.onEnd(span);
    if (this.held >= this.maxQueueSize) {
      if (this.dropped === 0) diag.warn(`causeway: export queue full (${this.maxQueueSize} spans); dropping spans until the collector catches up`);
      this.dropped++;
      return;
    }
    this.held++;
    this.inner.onEnd(span);
  }

  async forceFlush(): Promise<void> {
    await this.inner.forceFlush();
  }

  async shutdown(): Promise<void> {
    this.shutDown = true;
    await this.inner.shutdown();
  }
}

/** Passes exports through, reporting each export's span count and outcome once it settles. */
class CountingExporter implements SpanExporter {
  constructor(
    private readonly exporter: SpanExporter,
    private readonly settled: (count: number, exported: boolean) => void,
  ) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    const count = spans.length;
    let done = false;
    const settle = (result: ExportResult): void => {
      if (done) return; // an exporter calling back twice must not double-count
      done = true;
      this.settled(count, result.code === ExportResultCode.SUCCESS);
      resultCallback(result);
    };
    try {
      this.exporter.export(spans, settle);
    } catch (err) {
      settle({ code: ExportResultCode.FAILED, error: err instanceof Error ? err : new Error(String(err)) });
    }
  }

  shutdown(): Promise<void> {
    return this.exporter.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.exporter.forceFlush?.() ?? Promise.resolve();
  }
}

function positiveInteger(value: number | undefined): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}
