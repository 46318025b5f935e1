/**
 * The redrive's own span: `redrive <destination>`, a PRODUCER span that starts a new trace LINKED to
 * the dead-letter event's span, so the redriven delivery is a new trace that still points back at
 * the chain it came from. Its context goes on the copy as a W3C `traceparent`.
 */
import { isSpanContextValid, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags, type Link, type Span, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { DeadLetterRecord } from '../deadletters/types.js';
import { ATTR_REDRIVE_COUNT, ATTR_REDRIVE_DEAD_LETTER_ID } from './headers.js';

const TRACER_NAME = '@causeway/collector/redrive';
const propagator = new W3CTraceContextPropagator();

export interface RedriveSpan {
  /** `traceparent` (and `tracestate`) of the span, for the copy's headers. */
  headers: Record<string, string>;
  end(error?: unknown): void;
}

export class RedriveTracer {
  private readonly tracer: Tracer;
  /**
   * Used when the given provider hands out non-recording spans with invalid ids (the API's noop):
   * spans that are never exported, but whose ids still give the copy a fresh, valid traceparent.
   */
  private readonly fallback: Tracer;

  constructor(provider: TracerProvider | undefined) {
    this.fallback = new BasicTracerProvider().getTracer(TRACER_NAME);
    this.tracer = provider ? provider.getTracer(TRACER_NAME) : this.fallback;
  }

  start(record: DeadLetterRecord, target: { system: string; destination: string }, redriveCount: number): RedriveSpan {
    const options = {
      kind: SpanKind.PRODUCER,
      links: linkTo(record),
      attributes: {
        'messaging.system': target.system,
        'messaging.operation.type': 'send',
        'messaging.operation.name': 'redrive',
        'messaging.destination.name': target.destination,
        'messaging.message.id': record.eventId,
        [ATTR_REDRIVE_DEAD_LETTER_ID]: record.id,
        [ATTR_REDRIVE_COUNT]: redriveCount,
      },
    };
    const name = `redrive ${target.destination}`;
    let span: Span = this.tracer.startSpan(name, options, ROOT_CONTEXT);
    if (!isSpanContextValid(span.spanContext())) {
      span.end();
      span = this.fallback.startSpan(name, options, ROOT_CONTEXT);
    }
    const headers: Record<string, string> = {};
    propagator.inject(trace.setSpan(ROOT_CONTEXT, span), headers, { set: (carrier, key, value) => (carrier[key] = value) });
    return {
      headers,
      end(error?: unknown) {
        if (error !== undefined) {
          span.recordException(error instanceof Error ? error : new Error(String(error)));
          span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
        }
        span.end();
      },
    };
  }
}

function linkTo(record: DeadLetterRecord): Link[] {
  const context = { traceId: record.traceId, spanId: record.spanId, traceFlags: TraceFlags.SAMPLED, isRemote: true };
  return isSpanContextValid(context) ? [{ context, attributes: { 'causeway.link.reason': 'redrive-of-dead-letter' } }] : [];
}
