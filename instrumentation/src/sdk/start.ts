/**
 * `startCauseway`: one call that gives an app Causeway tracing.
 *
 * When the app runs no OpenTelemetry SDK, it starts one (NodeSDK, OTLP/HTTP exporter behind a
 * bounded, drop-counting queue, W3C propagators, async-hooks context). When an SDK is already
 * registered, starting a second would fight over the globals, so it only adds the Kafka and
 * RabbitMQ instrumentations to the existing provider.
 */
import { diag, trace, type TextMapPropagator, type TracerProvider } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations, type Instrumentation } from '@opentelemetry/instrumentation';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { CausewayKafkaJsInstrumentation } from '../kafkajs/instrumentation.js';
import { CausewayAmqplibInstrumentation } from '../amqplib/index.js';
import type { CausewayHandle, CausewayOptions, MessagingInstrumentationOptions } from '../types.js';
import { DropCountingSpanProcessor } from './bounded-export.js';
import { registeredTracerProvider } from './existing-provider.js';
import { payloadCaptureFromEnvironment } from '../dead-letter/payload.js';
import { TimeOrderedIdGenerator } from './time-ordered-ids.js';

let running: CausewayHandle | undefined;

/** Start Causeway tracing (or join the running OpenTelemetry SDK). A second call returns the first handle. */
export function startCauseway(options: CausewayOptions): CausewayHandle {
  if (running) {
    diag.warn('causeway: startCauseway was called again; keeping the instance already running');
    return running;
  }
  try {
    const instrumentations = createInstrumentations(options);
    const existing = registeredTracerProvider();
    running = existing ? joinRunningSdk(existing, options, instrumentations) : startOwnSdk(options, instrumentations);
  } catch (err) {
    // Tracing is optional to the app; failing to set it up must not stop the app from starting.
    diag.error('causeway: could not start tracing', err);
    running = inertHandle();
  }
  return running;
}

function createInstrumentations(options: CausewayOptions): Instrumentation[] {
  const shared: MessagingInstrumentationOptions = {
    ...(options.tracerProvider ? { tracerProvider: options.tracerProvider } : {}),
    ...(options.eventType ? { eventType: options.eventType } : {}),
    ...(options.maxHeaderBytes !== undefined ? { maxHeaderBytes: options.maxHeaderBytes } : {}),
    ...(options.settleSpans !== undefined ? { settleSpans: options.settleSpans } : {}),
    // The option wins; the environment switch is for zero-code setups (`register`), which pass none.
    ...(options.capturePayload !== undefined ? { capturePayload: options.capturePayload } : payloadCaptureFromEnvironment() ? { capturePayload: true } : {}),
  };
  const list: Instrumentation[] = [];
  if (options.instrument?.kafkajs !== false) list.push(new CausewayKafkaJsInstrumentation(shared));
  if (options.instrument?.amqplib !== false) list.push(new CausewayAmqplibInstrumentation(shared));
  return list;
}

function startOwnSdk(options: CausewayOptions, instrumentations: Instrumentation[]): CausewayHandle {
  // Without an explicit endpoint the exporter applies the OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT rules
  // itself, defaulting to http://localhost:4318/v1/traces.
  const exporter = new OTLPTraceExporter(options.endpoint ? { url: `${options.endpoint.replace(/\/+$/, '')}/v1/traces` } : {});
  const processor = new DropCountingSpanProcessor(exporter, options.maxQueueSize !== undefined ? { maxQueueSize: options.maxQueueSize } : {});
  const sdk = new NodeSDK({
    serviceName: options.serviceName || 'unknown_service:node',
    resource: options.serviceVersion ? defaultResource().merge(resourceFromAttributes({ 'service.version': options.serviceVersion })) : defaultResource(),
    spanProcessors: [processor],
    // Trace ids time first, so the collector's stores index new spans side by side (time-ordered-ids.ts).
    idGenerator: new TimeOrderedIdGenerator(),
    instrumentations,
    // OTEL_PROPAGATORS, when set, is the operator's choice; otherwise W3C trace context and baggage.
    ...(process.env.OTEL_PROPAGATORS ? {} : { textMapPropagator: w3cPropagator() }),
    // Causeway exports traces only; NodeSDK would otherwise start OTLP metrics and logs exporters.
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  const ourProvider = registeredTracerProvider();

  let stopped: Promise<void> | undefined;
  const handle: CausewayHandle = {
    ownsSdk: true,
    droppedSpans: () => processor.droppedSpans(),
    flush: () => quietly('flush', () => processor.forceFlush()),
    shutdown: () =>
      (stopped ??= (async () => {
        for (const instrumentation of instrumentations) instrumentation.disable();
        await quietly('shutdown', () => sdk.shutdown());
        // Unregister our provider so a later startCauseway starts afresh instead of joining a
        // shut-down SDK. The context manager and propagator stay: the app may rely on them, and a
        // new start would install equivalent ones.
        if (ourProvider && registeredTracerProvider() === ourProvider) trace.disable();
        if (running === handle) running = undefined;
      })()),
  };
  return handle;
}

function joinRunningSdk(existing: TracerProvider, options: CausewayOptions, instrumentations: Instrumentation[]): CausewayHandle {
  diag.info('causeway: an OpenTelemetry SDK is already running; adding the Causeway instrumentations to it');
  const unregister = registerInstrumentations({ instrumentations, tracerProvider: options.tracerProvider ?? trace.getTracerProvider() });
  let stopped: Promise<void> | undefined;
  const handle: CausewayHandle = {
    ownsSdk: false,
    // The app's SDK owns the export queue; we cannot see what it drops.
    droppedSpans: () => 0,
    flush: () => quietly('flush', async () => {
      const flushable = existing as TracerProvider & { forceFlush?: () => Promise<void> };
      if (typeof flushable.forceFlush === 'function') await flushable.forceFlush();
    }),
    // The SDK is the app's to shut down; we only take our instrumentations back out.
    shutdown: () =>
      (stopped ??= (async () => {
        unregister();
        if (running === handle) running = undefined;
      })()),
  };
  return handle;
}

function inertHandle(): CausewayHandle {
  return { ownsSdk: false, droppedSpans: () => 0, flush: async () => {}, shutdown: async () => { running = undefined; } };
}

function w3cPropagator(): TextMapPropagator {
  return new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] });
}

/** flush/shutdown resolve even when the collector is down: the loss is counted, the app carries on. */
async function quietly(what: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    diag.warn(`causeway: ${what} did not complete`, err);
  }
}
