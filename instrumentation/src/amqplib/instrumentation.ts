/**
 * Zero-code instrumentation: patches amqplib's Channel and ConfirmChannel prototypes when the
 * library is loaded. amqplib's entry points (`amqplib`, `amqplib/callback_api`) `require` their
 * model files, so hooking those files also covers applications that `import amqplib` as ESM.
 */
import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
  InstrumentationNodeModuleFile,
  type InstrumentationConfig,
} from '@opentelemetry/instrumentation';
import type { MessagingInstrumentationOptions } from '../types.js';
import { CHANNEL_METHODS, INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION, wrapChannelMethod } from './channel-methods.js';
import { isObject, type AmqpTelemetry, type AnyFunction } from './shapes.js';

type AmqplibInstrumentationConfig = MessagingInstrumentationOptions & InstrumentationConfig;

/** The model files define the same Channel / ConfirmChannel classes for each API. */
const MODEL_FILES = ['amqplib/lib/channel_model.js', 'amqplib/lib/callback_model.js'];
/** Versions whose model files export `Channel` and `ConfirmChannel` classes with these methods. */
const SUPPORTED_VERSIONS = ['>=0.10.0 <3'];

export class CausewayAmqplibInstrumentation extends InstrumentationBase<AmqplibInstrumentationConfig> {
  constructor(options: MessagingInstrumentationOptions = {}) {
    super(INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION, { ...options });
  }

  protected init(): InstrumentationNodeModuleDefinition {
    const files = MODEL_FILES.map(
      (name) =>
        new InstrumentationNodeModuleFile(
          name,
          SUPPORTED_VERSIONS,
          (moduleExports: unknown) => this.patchModelFile(moduleExports),
          (moduleExports: unknown) => this.unpatchModelFile(moduleExports),
        ),
    );
    return new InstrumentationNodeModuleDefinition('amqplib', SUPPORTED_VERSIONS, undefined, undefined, files);
  }

  /**
   * Read per call so `setConfig` and `setTracerProvider` (which NodeSDK calls when it registers
   * instrumentations) take effect; an explicit `tracerProvider` option still wins over both.
   */
  private telemetry(): AmqpTelemetry {
    const options = this.getConfig();
    return {
      options,
      tracer: () => options.tracerProvider?.getTracer(INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION) ?? this.tracer,
    };
  }

  /** Patches a loaded model file's prototypes. Public so a module loaded before `enable()` can be patched too. */
  patchModelFile<T>(moduleExports: T): T {
    if (!isObject(moduleExports)) return moduleExports;
    const resolve = () => this.telemetry();
    for (const [className, confirm] of [['Channel', false], ['ConfirmChannel', true]] as const) {
      const proto = prototypeOf(moduleExports[className]);
      if (!proto) continue;
      for (const method of CHANNEL_METHODS) {
        // Only methods the class defines itself: ConfirmChannel inherits all but publish.
        if (!Object.prototype.hasOwnProperty.call(proto, method) || typeof proto[method] !== 'function') continue;
        this._wrap(proto, method, (original: unknown) => wrapChannelMethod(method, original as AnyFunction, resolve, confirm));
      }
    }
    return moduleExports;
  }

  unpatchModelFile(moduleExports: unknown): void {
    if (!isObject(moduleExports)) return;
    for (const className of ['Channel', 'ConfirmChannel']) {
      const proto = prototypeOf(moduleExports[className]);
      if (!proto) continue;
      for (const method of CHANNEL_METHODS) {
        if (Object.prototype.hasOwnProperty.call(proto, method)) this._unwrap(proto, method);
      }
    }
  }
}

function prototypeOf(value: unknown): Record<string, unknown> | undefined {
  if (typeof value !== 'function') return undefined;
  const proto: unknown = value.prototype;
  return isObject(proto) ? proto : undefined;
}
