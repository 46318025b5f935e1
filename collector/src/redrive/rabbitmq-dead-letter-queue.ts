/**
 * Where RabbitMQ parked a dead letter when nobody consumed the dead-letter queue (so no span named
 * it): the origin queue's dead-letter exchange and routing key (queue arguments, or a policy), then
 * the queues that exchange routes them to — read from the management API, which AMQP cannot do.
 */

import type { DeadLetterRecord } from '../deadletters/types.js';

/** Where a broker parked a dead letter whose record does not say. */
export interface DeadLetterQueueLookup {
  /** Candidate dead-letter queues for the record's origin, most likely first; empty when none is configured. */
  queuesFor(record: Pick<DeadLetterRecord, 'origin'>, signal?: AbortSignal): Promise<string[]>;
}

interface QueueInfo {
  arguments?: Record<string, unknown>;
  effective_policy_definition?: Record<string, unknown>;
}

interface Binding {
  destination: string;
  destination_type: string;
  routing_key: string;
}

const TIMEOUT_MS = 5_000;

export class ManagementDeadLetterQueueLookup implements DeadLetterQueueLookup {
  private readonly base: string;
  private readonly authorization: string | undefined;

  constructor(
    managementUrl: string,
    private readonly vhost = '/',
  ) {
    const url = new URL(managementUrl);
    this.authorization = url.username ? `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}` : undefined;
    url.username = '';
    url.password = '';
    this.base = url.toString().replace(/\/+$/, '');
  }

  async queuesFor(record: Pick<DeadLetterRecord, 'origin'>, signal?: AbortSignal): Promise<string[]> {
    const originQueue = record.origin.destination;
    const vhost = encodeURIComponent(this.vhost);
    const queue = await this.get<QueueInfo>(`/api/queues/${vhost}/${encodeURIComponent(originQueue)}`, signal);
    const args = queue.arguments ?? {};
    const policy = queue.effective_policy_definition ?? {};
    // Queue arguments win over a policy, as in RabbitMQ itself.
    const exchange = text(args['x-dead-letter-exchange']) ?? text(policy['dead-letter-exchange']);
    if (exchange === undefined) return [];
    const routingKey = text(args['x-dead-letter-routing-key']) ?? text(policy['dead-letter-routing-key']);
    // The default exchange routes to the queue named by the routing key: the dead-letter routing key,
    // else the message's own, which for a message sent straight to the origin queue is its name.
    if (exchange === '') return routingKey !== undefined && routingKey !== originQueue ? [routingKey] : [];
    const bindings = await this.get<Binding[]>(`/api/exchanges/${vhost}/${encodeURIComponent(exchange)}/bindings/source`, signal);
    const queues = bindings.filter((binding) => binding.destination_type === 'queue' && binding.destination !== originQueue);
    const key = routingKey ?? originQueue;
    // A binding on the dead-letter routing key first; a fanout's (or any other) bindings after.
    const ranked = [...queues.filter((binding) => binding.routing_key === key), ...queues.filter((binding) => binding.routing_key !== key)];
    return [...new Set(ranked.map((binding) => binding.destination))];
  }

  private async get<T>(path: string, signal?: AbortSignal): Promise<T> {
    const response = await fetch(this.base + path, {
      headers: this.authorization ? { authorization: this.authorization } : {},
      signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(TIMEOUT_MS)]) : AbortSignal.timeout(TIMEOUT_MS),
    });
    if (!response.ok) throw new Error(`RabbitMQ management API answered ${response.status} for ${path}`);
    return (await response.json()) as T;
  }
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
