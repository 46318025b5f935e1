/**
 * RabbitMQ queue names from consumer spans, for lag polling over plain AMQP (which can check a
 * queue by name but cannot list queues). Causeway's amqplib instrumentation names a consumer's
 * destination `<exchange>:<routing key>:<queue>` and its group after the queue, so a consumer row
 * whose destination ends with `:<group>` names a queue. Cached: the topology query is not free.
 */
import type { Store } from '../../store/store.js';

const LOOK_BACK_MS = 3600_000;
const REFRESH_MS = 60_000;

export function queuesSeenInSpans(store: Pick<Store, 'topology'>, now: () => number = Date.now): () => Promise<string[]> {
  let cached: string[] = [];
  let fetchedAt = Number.NEGATIVE_INFINITY;
  return async () => {
    const at = now();
    if (at - fetchedAt < REFRESH_MS) return cached;
    fetchedAt = at;
    const { consumers } = await store.topology({ from: at - LOOK_BACK_MS, to: at });
    const queues = new Set<string>();
    for (const row of consumers) {
      if (row.group && row.destination.endsWith(`:${row.group}`)) queues.add(row.group);
    }
    cached = [...queues].sort();
    return cached;
  };
}
