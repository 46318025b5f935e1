/** Public types of the Causeway SDK. Internal shapes live next to the code that uses them. */
import type { TracerProvider } from '@opentelemetry/api';

/** What the SDK knows about one message when it asks the user for its event type. */
export interface MessageInfo {
  /** `messaging.system`: `kafka`, `rabbitmq`, or the system a custom instrumentation was created with. */
  system: 'kafka' | 'rabbitmq' | (string & {});
  destination: string;
  /** Header values as strings (first value for repeated keys). */
  headers: Readonly<Record<string, string | undefined>>;
  /** The message body, as the client library gives it (Buffer, string or null). */
  body: unknown;
}

export interface EventTypeOptions {
  /** Header holding the event type. Default `causeway-event-type`. */
  header?: string;
  /** Top-level field of a JSON body holding the event type, e.g. `type`. Read only when set. */
  field?: string;
  /** Last word: return the event type for a message, or undefined. Errors it throws are ignored. */
  resolve?: (message: MessageInfo) => string | undefined;
}

/** Options shared by the explicit wrappers and the zero-code instrumentations. */
export interface MessagingInstrumentationOptions {
  /** Tracer provider to use instead of the global one (several services in one process, tests). */
  tracerProvider?: TracerProvider;
  /** How the event type of a published or consumed message is found. */
  eventType?: EventTypeOptions;
  /** Header values longer than this many bytes are ignored as context. Default 8192. */
  maxHeaderBytes?: number;
  /**
   * Record message bodies and headers on send and process spans, redacted and size-capped in this
   * process before anything is exported. Off by default (`true` = on with the defaults). With
   * `startCauseway` / the `register` entry, `CAUSEWAY_CAPTURE_PAYLOAD=1` turns it on when this is unset.
   */
  capturePayload?: boolean | PayloadCaptureOptions;
  /**
   * RabbitMQ (amqplib): record each ack / nack / reject as its own CLIENT `settle` span under the
   * process span, as Causeway did before. Default false: the settlement is recorded as attributes
   * of the process span (`causeway.settle.operation`, `.requeue`, `.multiple`), which ends when
   * the message is settled; one span per message less to create and export.
   */
  settleSpans?: boolean;
}

/** Payload capture settings. Pattern lists replace the defaults (exported as `DEFAULT_REDACT_*` to extend them). */
export interface PayloadCaptureOptions {
  /** Most bytes kept of the (redacted) body, and of the headers' JSON. Default 4096. */
  maxBytes?: number;
  /**
   * Header names whose values become `[REDACTED]`. Strings match case-insensitively, `*` matching
   * any run of characters. Default: authorization, cookie, set-cookie, *token*, *secret*, *password*, *api-key*.
   */
  redactHeaders?: Array<string | RegExp>;
  /**
   * JSON keys, at any depth of a JSON body, whose values become `[REDACTED]` (same matching).
   * Default: *password*, *secret*, *token*, apiKey, api_key, authorization, creditCard, card_number, ssn, email.
   */
  redactJsonKeys?: Array<string | RegExp>;
}

export interface CausewayOptions extends MessagingInstrumentationOptions {
  /** `service.name` of this process. */
  serviceName: string;
  /** `service.version`, recorded on every span when set. */
  serviceVersion?: string;
  /** Collector base URL. Default `OTEL_EXPORTER_OTLP_ENDPOINT` or http://localhost:4318. */
  endpoint?: string;
  /** Most spans held in memory while the collector is unreachable; beyond it spans are dropped and counted. Default 2048. */
  maxQueueSize?: number;
  /** Instrument these libraries by patching them when they are loaded. Default both. */
  instrument?: { kafkajs?: boolean; amqplib?: boolean };
}

/** Returned by `startCauseway`. */
export interface CausewayHandle {
  /** True when Causeway started its own OpenTelemetry SDK; false when it joined one already running. */
  readonly ownsSdk: boolean;
  /** Spans dropped because the export queue was full or the collector refused them. */
  droppedSpans(): number;
  /** Export what is buffered now. */
  flush(): Promise<void>;
  /** Flush, then stop what `startCauseway` started. */
  shutdown(): Promise<void>;
}
