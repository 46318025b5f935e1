/**
 * What the SDK records about a consumer's failure: the error's type, message and stack (the
 * `exception` event of `recordSpanError`), plus Causeway's fingerprint so failures that differ
 * only in ids group together. The same facts feed the provenance headers of a dead-letter copy.
 */
import { trace, type Span } from '@opentelemetry/api';
import { errorFingerprint } from '../core/fingerprint.js';
import { guard } from '../core/guard.js';
import { messageContext } from '../core/message-context.js';
import { errorType, recordSpanError } from '../core/span-errors.js';
import { ATTR_CAUSEWAY_ERROR_FINGERPRINT } from '../semconv.js';
import { MAX_ERROR_MESSAGE_BYTES, MAX_STACKTRACE_BYTES, truncateUtf8 } from './header-values.js';

export interface ErrorFacts {
  type: string;
  message: string;
  stack: string | undefined;
  fingerprint: string;
}

/** Type, message (≤ 1 KiB), stack (≤ 8 KiB) and fingerprint of anything thrown. Never throws. */
export function errorFacts(err: unknown): ErrorFacts {
  const type = errorType(err);
  let message = '';
  let stack: string | undefined;
  try {
    if (err instanceof Error) {
      message = typeof err.message === 'string' ? err.message : '';
      stack = typeof err.stack === 'string' ? truncateUtf8(err.stack, MAX_STACKTRACE_BYTES) : undefined;
    } else {
      message = String(err);
    }
  } catch {
    // An error whose getters or toString throw still gets a (type-only) fingerprint.
  }
  message = truncateUtf8(message, MAX_ERROR_MESSAGE_BYTES);
  return { type, message, stack, fingerprint: errorFingerprint(type, message) };
}

/** Stamps the fingerprint of `err` on a failed process span (the error itself is recorded by the adapter). */
export function recordFailureFingerprint(span: Span, err: unknown): void {
  guard('failure fingerprint', () => span.setAttribute(ATTR_CAUSEWAY_ERROR_FINGERPRINT, errorFacts(err).fingerprint));
}

/**
 * Marks the process span of a consumed message failed by `error`, for handlers that catch the
 * error and settle the message themselves (nack/reject, republish to a dead-letter queue) instead
 * of throwing. Does nothing for messages Causeway did not trace or whose span already ended.
 */
export function recordMessageFailure(message: unknown, error: unknown): void {
  guard('recordMessageFailure', () => {
    const ctx = messageContext(message);
    const span = ctx ? trace.getSpan(ctx) : undefined;
    if (!span || !span.isRecording()) return;
    recordSpanError(span, error);
    recordFailureFingerprint(span, error);
  });
}
