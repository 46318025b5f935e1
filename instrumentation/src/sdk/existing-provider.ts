/** Is an OpenTelemetry SDK already running in this process? */
import { ProxyTracerProvider, trace, type TracerProvider } from '@opentelemetry/api';

// The API hands out one shared no-op provider as the delegate of every unset proxy; a fresh proxy
// shows us which object that is without depending on the API's internal class.
const NOOP_DELEGATE = new ProxyTracerProvider().getDelegate();

/**
 * The tracer provider an SDK registered globally, or undefined when none did. The global provider
 * is normally the API's proxy, whose delegate is the no-op provider until an SDK registers; when a
 * different copy of the API registered first, we get that SDK's provider directly.
 */
export function registeredTracerProvider(): TracerProvider | undefined {
  const global = trace.getTracerProvider();
  const delegate = global instanceof ProxyTracerProvider ? global.getDelegate() : global;
  return delegate === NOOP_DELEGATE ? undefined : delegate;
}
