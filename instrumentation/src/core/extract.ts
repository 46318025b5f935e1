/**
 * Extracting the producer's context from a consumed message.
 *
 * A traceparent that is present but unusable (oversized, not text, malformed) must not throw and
 * must not silently chain the consumer to garbage: the process span becomes a new root and
 * records why via `causeway.context.dropped_reason`.
 */
import { ROOT_CONTEXT, propagation, trace, type Context } from '@opentelemetry/api';
import { SafeHeaderGetter, findHeader, headerText, type HeaderBag } from './headers.js';

export interface ExtractedContext {
  /** Context holding the remote producer span, or ROOT_CONTEXT when there was none or it was unusable. */
  context: Context;
  /** Set when a traceparent was present but could not be used. */
  droppedReason?: string;
}

export function extractMessageContext(headers: HeaderBag | undefined | null, maxBytes?: number): ExtractedContext {
  try {
    const getter = new SafeHeaderGetter(maxBytes);
    const carrier = headers && typeof headers === 'object' ? headers : undefined;
    const extracted = propagation.extract(ROOT_CONTEXT, carrier, getter);
    if (trace.getSpanContext(extracted)) return { context: extracted };
    const raw = findHeader(carrier, 'traceparent');
    if (raw === undefined) return { context: ROOT_CONTEXT };
    if (getter.refused) return { context: ROOT_CONTEXT, droppedReason: `${getter.refused.key} header ${getter.refused.reason}` };
    const decoded = headerText(raw, maxBytes);
    return { context: ROOT_CONTEXT, droppedReason: decoded.ok ? 'traceparent header malformed' : `traceparent header ${decoded.reason}` };
  } catch {
    return { context: ROOT_CONTEXT, droppedReason: 'trace context extraction failed' };
  }
}
