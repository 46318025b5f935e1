export type Broker = 'kafka' | 'rabbitmq';
/** Uninstrumented, Causeway's wrappers, or the OpenTelemetry contrib instrumentations. */
export type Variant = 'none' | 'causeway' | 'otel';
export const VARIANTS: readonly Variant[] = ['none', 'causeway', 'otel'];

export interface LoopTiming {
  /** CPU (user + system) of the timed loop plus the span flush, µs. */
  cpuMicros: number;
  /** Wall time from the first timed send to the last consume. */
  loopMs: number;
  /** Messages sent and consumed before the timer (connections, group join, JIT). */
  warmupMessages: number;
}

export interface LoopResult {
  broker: Broker;
  variant: Variant;
  messages: number;
  cpuMicrosPerMessage: number;
  messagesPerSecond: number;
  /** Spans the variant made per message (0 uninstrumented): shows the instrumentation was active. */
  spansPerMessage: number;
  /** Attributes on those spans per message. */
  attributesPerMessage: number;
}

/** Body of every message: a small JSON order event, as the loops would carry in an app. */
export function messageBody(i: number): string {
  return JSON.stringify({ type: 'OrderPlaced', orderId: `order-${i}`, customer: `customer-${i % 97}`, amount: (i % 500) + 0.99, items: [{ sku: `sku-${i % 31}`, quantity: 1 + (i % 3) }] });
}
