/** What the shared patch code needs from whoever applied it (explicit wrapper or zero-code instrumentation). */
import type { Tracer } from '@opentelemetry/api';
import type { MessagingInstrumentationOptions } from '../types.js';

export interface KafkaPatchState {
  /** Tracer of the provider this client reports to (options.tracerProvider or the global one). */
  tracer(): Tracer;
  options(): MessagingInstrumentationOptions;
  /** False once the zero-code instrumentation is disabled: clients patched earlier pass calls straight through. */
  enabled(): boolean;
}
