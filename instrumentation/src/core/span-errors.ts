/** Recording a user's error on a span, the same way in every adapter. */
import { SpanStatusCode, type Span } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE } from '../semconv.js';

/** `error.type`: the error's class name when it has a meaningful one, else `_OTHER` (per semconv). */
export function errorType(err: unknown): string {
  if (err instanceof Error) {
    const name = err.constructor?.name || err.name;
    return name && name !== 'Object' ? name : 'Error';
  }
  return '_OTHER';
}

/** Mark `span` failed by `err`. Never throws: it runs on the user's error path. */
export function recordSpanError(span: Span, err: unknown): void {
  try {
    span.setAttribute(ATTR_ERROR_TYPE, errorType(err));
    if (err instanceof Error) span.recordException(err);
    else span.recordException(String(err));
    span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
  } catch {
    // Telemetry about a failure must never replace the failure itself.
  }
}
