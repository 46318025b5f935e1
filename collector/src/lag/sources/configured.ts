/**
 * The lag sources the collector's flags ask for. Broker clients are loaded only when configured,
 * and each source connects on its first poll (retrying on later ones), so a broker that is down at
 * startup shows as a down source instead of stopping the collector.
 */
import type { LagConfig } from '../../config.js';
import type { Store } from '../../store/store.js';
import type { LagSource } from '../types.js';
import { ConnectOnPollSource } from './connect-on-poll.js';
import { queuesSeenInSpans } from './queues-seen-in-spans.js';

export interface SourceContext {
  store: Pick<Store, 'topology'>;
  log: { warn(obj: object, msg?: string): void; debug?(obj: object, msg?: string): void };
}

export function configuredLagSources(config: LagConfig, context: SourceContext): LagSource[] {
  const sources: LagSource[] = [];
  const { kafka, rabbitmq } = config;
  if (kafka) {
    sources.push(
      new ConnectOnPollSource(`kafka:${kafka.brokers[0]}`, 'kafka', async () => {
        const { KafkaLagSource } = await import('./kafka/index.js');
        return KafkaLagSource.create({ brokers: kafka.brokers, ssl: kafka.ssl, sasl: kafka.sasl, includeGroups: kafka.groups, log: context.log });
      }),
    );
  }
  if (rabbitmq) {
    const shown = (rabbitmq.managementUrl ?? rabbitmq.amqpUrl ?? '').replace(/\/\/[^@/]*@/, '//');
    sources.push(
      new ConnectOnPollSource(`rabbitmq:${shown}`, 'rabbitmq', async () => {
        const { RabbitMqLagSource } = await import('./rabbitmq/index.js');
        return RabbitMqLagSource.create({
          amqpUrl: rabbitmq.amqpUrl,
          managementUrl: rabbitmq.managementUrl,
          queues: rabbitmq.queues,
          discoverQueues: queuesSeenInSpans(context.store),
          log: context.log,
        });
      }),
    );
  }
  return sources;
}
