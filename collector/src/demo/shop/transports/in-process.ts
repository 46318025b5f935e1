/**
 * The shop over the in-process broker, instrumented only through the SDK's public adapter for
 * custom brokers (`createMessagingInstrumentation`): real spans through the real SDK path.
 */
import { createMessagingInstrumentation, type IncomingDelivery } from '@causeway/instrumentation';
import type { TracerProvider } from '@opentelemetry/api';
import { InProcessBroker } from '../../broker/index.js';
import type { Subscription } from '../../broker/index.js';
import {
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_SLOW_CONSUMER_MS,
  HEADER_EVENT_TYPE,
  parseBody,
  type ServiceConnection,
  type ShopTransport,
  type TransportOptions,
} from '../transport.js';

/** `messaging.system` of the demo broker's spans. */
export const IN_PROCESS_SYSTEM = 'causeway_demo';

export class InProcessTransport implements ShopTransport {
  readonly system = IN_PROCESS_SYSTEM;
  readonly broker: InProcessBroker;
  private readonly prefix: string;
  private readonly slowConsumerMs: number;

  constructor(options: TransportOptions = {}) {
    this.prefix = options.prefix ?? '';
    this.slowConsumerMs = options.slowConsumerMs ?? DEFAULT_SLOW_CONSUMER_MS;
    this.broker = new InProcessBroker({ maxDeliveries: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS, redeliveryDelayMs: 150, maxDepth: 5_000 });
  }

  async prepare(streams: readonly string[]): Promise<void> {
    for (const stream of streams) this.broker.declare(this.prefix + stream, 'topic');
  }

  async connect(_serviceName: string, tracerProvider: TracerProvider): Promise<ServiceConnection> {
    const messaging = createMessagingInstrumentation({ system: IN_PROCESS_SYSTEM, tracerProvider });
    const broker = this.broker;
    const subscriptions: Subscription[] = [];
    const prefix = this.prefix;
    const slowConsumerMs = this.slowConsumerMs;
    return {
      async publish(stream, eventType, body) {
        const destination = prefix + stream;
        const payload = JSON.stringify(body);
        messaging.publish(destination, { headers: { [HEADER_EVENT_TYPE]: eventType }, body: payload }, ({ headers }) =>
          broker.publish(destination, { headers: stringHeaders(headers), body: payload }),
        );
      },
      async subscribe(stream, group, handler, options = {}) {
        const destination = prefix + stream;
        const groupName = prefix + group;
        const subscription = broker.subscribe(
          destination,
          groupName,
          async (delivery) => {
            const incoming: IncomingDelivery = {
              destination,
              group: groupName,
              headers: delivery.message.headers,
              body: delivery.message.body,
              id: delivery.message.id,
              redelivered: delivery.redelivered,
              attempt: delivery.attempt,
              publishedAtMs: delivery.message.publishedAt,
            };
            try {
              await messaging.process(incoming, () =>
                handler({ eventType: delivery.message.headers[HEADER_EVENT_TYPE] ?? 'unknown', body: parseBody(delivery.message.body), attempt: delivery.attempt }),
              );
            } catch {
              // The last allowed delivery failed: reject it, so the broker dead-letters it.
              const lastChance = delivery.attempt >= delivery.maxDeliveries;
              messaging.settle(incoming, lastChance ? 'reject' : 'nack', !lastChance);
              if (lastChance) delivery.reject();
              else delivery.nack(true);
              return;
            }
            messaging.settle(incoming, 'ack');
            delivery.ack();
          },
          { latencyMs: options.slow ? slowConsumerMs : 0 },
        );
        subscriptions.push(subscription);
      },
      async close() {
        for (const subscription of subscriptions.splice(0)) subscription.close();
      },
    };
  }

  close(): Promise<void> {
    return this.broker.close();
  }
}

function stringHeaders(headers: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) if (value !== undefined && value !== null) out[key] = String(value);
  return out;
}
