/**
 * The lag source for the demo's broker, so `causeway start --demo` shows consumer lag with no
 * flags: the in-process broker's own counters, or the demo's groups on a real Kafka or RabbitMQ.
 */
import type { LagSource } from '../lag/types.js';
import { ConnectOnPollSource } from '../lag/sources/connect-on-poll.js';
import type { DemoBroker } from './broker-url.js';
import type { InProcessBroker } from './broker/index.js';

export interface DemoLagSourceOptions {
  /** The demo's prefix on a real broker: only its groups and queues are watched. */
  prefix: string;
  /** Queue names seen in consumer spans (RabbitMQ over AMQP cannot list queues). */
  discoverQueues: () => Promise<string[]>;
  log: { warn(obj: object, msg?: string): void; debug?(obj: object, msg?: string): void };
}

export async function createDemoLagSource(broker: DemoBroker | undefined, inProcess: InProcessBroker | undefined, options: DemoLagSourceOptions): Promise<LagSource> {
  if (!broker) {
    if (!inProcess) throw new Error('the in-process demo has no broker to watch');
    const { InProcessLagSource } = await import('../lag/sources/in-process/index.js');
    // Nobody consumes the demo's dead-letter queues (by design), which would read as STOP forever.
    return new InProcessLagSource(inProcess, { includeDeadLetterQueues: false });
  }
  if (broker.kind === 'kafka') {
    return new ConnectOnPollSource(`kafka:${broker.brokers[0]}`, 'kafka', async () => {
      const { KafkaLagSource } = await import('../lag/sources/kafka/index.js');
      return KafkaLagSource.create({ brokers: broker.brokers, includeGroups: [`${options.prefix}*`], log: options.log });
    });
  }
  return new ConnectOnPollSource(`rabbitmq:${broker.url.replace(/\/\/[^@/]*@/, '//')}`, 'rabbitmq', async () => {
    const { RabbitMqLagSource } = await import('../lag/sources/rabbitmq/index.js');
    return RabbitMqLagSource.create({ amqpUrl: broker.url, queues: [`${options.prefix}*`], discoverQueues: options.discoverQueues, log: options.log });
  });
}
