/**
 * `CausewayKafkaJsInstrumentation`: zero-code tracing of kafkajs 2.x.
 *
 * It hooks kafkajs's internal `src/index.js` (the client class) rather than the package entry.
 * The entry `index.js` loads that file with `require('./src')` even when the app imports kafkajs
 * from ESM (Node's ESM loader evaluates the CommonJS entry, whose inner `require` goes through the
 * CommonJS loader that require-in-the-middle hooks), so one file hook covers CJS and ESM apps
 * without an ESM loader hook.
 */
import type { Tracer } from '@opentelemetry/api';
import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
  InstrumentationNodeModuleFile,
  type InstrumentationConfig,
} from '@opentelemetry/instrumentation';
import { SDK_VERSION } from '../core/version.js';
import type { MessagingInstrumentationOptions } from '../types.js';
import { EXPLICIT_STATE, wrapConsumerFactory, wrapProducerFactory } from './patch.js';
import type { KafkaPatchState } from './patch-state.js';
import type { AnyFunction } from './shapes.js';
import { KAFKAJS_INSTRUMENTATION_NAME, SUPPORTED_KAFKAJS_VERSIONS } from './names.js';

export interface KafkaJsInstrumentationConfig extends InstrumentationConfig, MessagingInstrumentationOptions {}

export class CausewayKafkaJsInstrumentation extends InstrumentationBase<KafkaJsInstrumentationConfig> {
  private providerTracer: { provider: unknown; tracer: Tracer } | undefined;

  constructor(options: KafkaJsInstrumentationConfig = {}) {
    super(KAFKAJS_INSTRUMENTATION_NAME, SDK_VERSION, options);
  }

  protected override init(): InstrumentationNodeModuleDefinition {
    const clientFile = new InstrumentationNodeModuleFile(
      'kafkajs/src/index.js',
      SUPPORTED_KAFKAJS_VERSIONS,
      (clientClass: unknown) => this.patchClientClass(clientClass),
      (clientClass: unknown) => this.unpatchClientClass(clientClass),
    );
    return new InstrumentationNodeModuleDefinition('kafkajs', SUPPORTED_KAFKAJS_VERSIONS, undefined, undefined, [clientFile]);
  }

  /** The state shared by every client this instrumentation patches; reads config at call time. */
  private readonly state: KafkaPatchState = {
    tracer: () => this.currentTracer(),
    options: () => this.getConfig(),
    enabled: () => this.isEnabled(),
  };

  private currentTracer(): Tracer {
    const provider = this.getConfig().tracerProvider;
    if (!provider) return this.tracer;
    if (this.providerTracer?.provider !== provider) {
      this.providerTracer = { provider, tracer: provider.getTracer(this.instrumentationName, this.instrumentationVersion) };
    }
    return this.providerTracer.tracer;
  }

  private patchClientClass(clientClass: unknown): unknown {
    const prototype = prototypeOf(clientClass);
    if (!prototype) return clientClass;
    // A client explicitly instrumented with instrumentKafkaJs follows its own options, not ours.
    const stateFor = (client: unknown): KafkaPatchState | undefined =>
      client && typeof client === 'object' && Object.prototype.hasOwnProperty.call(client, EXPLICIT_STATE) ? undefined : this.state;
    if (typeof prototype.producer === 'function') this._wrap(prototype, 'producer', (original) => wrapProducerFactory(original as AnyFunction, stateFor));
    if (typeof prototype.consumer === 'function') this._wrap(prototype, 'consumer', (original) => wrapConsumerFactory(original as AnyFunction, stateFor));
    return clientClass;
  }

  private unpatchClientClass(clientClass: unknown): void {
    const prototype = prototypeOf(clientClass);
    if (!prototype) return;
    this._unwrap(prototype, 'producer');
    this._unwrap(prototype, 'consumer');
  }
}

function prototypeOf(clientClass: unknown): Record<string, unknown> | undefined {
  if (typeof clientClass !== 'function') return undefined;
  const prototype: unknown = (clientClass as { prototype?: unknown }).prototype;
  return prototype && typeof prototype === 'object' ? (prototype as Record<string, unknown>) : undefined;
}
