/** `instrumentKafkaJs`: explicit instrumentation of one kafkajs client, no module hooks involved. */
import { trace, type Tracer } from '@opentelemetry/api';
import { guard } from '../core/guard.js';
import { SDK_VERSION } from '../core/version.js';
import type { MessagingInstrumentationOptions } from '../types.js';
import { EXPLICIT_STATE, wrapConsumerFactory, wrapProducerFactory } from './patch.js';
import type { KafkaPatchState } from './patch-state.js';
import type { AnyFunction, KafkaClientLike } from './shapes.js';
import { KAFKAJS_INSTRUMENTATION_NAME } from './names.js';

/**
 * Patch a kafkajs 2.x client (`new Kafka(...)`) so every producer and consumer it creates from now
 * on is traced. Returns the same instance. Calling it again on the same client changes nothing.
 * When the zero-code instrumentation is also active, this client follows these options instead.
 */
export function instrumentKafkaJs<K extends KafkaClientLike>(kafka: K, options: MessagingInstrumentationOptions = {}): K {
  guard('instrumentKafkaJs', () => {
    const client = kafka as unknown as Record<PropertyKey, unknown>;
    if (!client || typeof client !== 'object' || Object.prototype.hasOwnProperty.call(client, EXPLICIT_STATE)) return;
    const settings = { ...options };
    let tracer: Tracer | undefined;
    const state: KafkaPatchState = {
      // Resolved lazily: the global provider may be registered after the client is instrumented.
      tracer: () => (tracer ??= (settings.tracerProvider ?? trace.getTracerProvider()).getTracer(KAFKAJS_INSTRUMENTATION_NAME, SDK_VERSION)),
      options: () => settings,
      enabled: () => true,
    };
    Object.defineProperty(client, EXPLICIT_STATE, { value: state, enumerable: false });
    const stateFor = (): KafkaPatchState => state;
    const producer = client.producer;
    const consumer = client.consumer;
    if (typeof producer === 'function') client.producer = wrapProducerFactory(producer as AnyFunction, stateFor);
    if (typeof consumer === 'function') client.consumer = wrapConsumerFactory(consumer as AnyFunction, stateFor);
  });
  return kafka;
}
