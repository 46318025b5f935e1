/**
 * The consumed messages of one channel whose process/receive span waits for a settlement.
 *
 * A span stays open from delivery until an ack/nack/reject covers it, so a consumer that never
 * settles (a bug, or `noAck` misuse) would otherwise grow this forever. The cap does not depend
 * on prefetch (which may be unlimited): past it the oldest delivery's span is ended and marked.
 */
import type { Delivery } from './shapes.js';

/** Per channel. RabbitMQ's own default consumer timeout would close the channel long before. */
export const MAX_OPEN_DELIVERIES = 10_000;

export class OpenDeliveries {
  // Delivery tags grow with each delivery on a channel, so insertion order is tag order.
  private readonly byTag = new Map<number, Delivery>();

  constructor(private readonly limit: number = MAX_OPEN_DELIVERIES) {}

  get size(): number {
    return this.byTag.size;
  }

  /** Tracks a delivery; returns the oldest one when it had to make room for it. */
  add(delivery: Delivery & { deliveryTag: number }): Delivery | undefined {
    let evicted: Delivery | undefined;
    if (this.byTag.size >= this.limit && !this.byTag.has(delivery.deliveryTag)) {
      const oldest = this.byTag.entries().next();
      if (!oldest.done) {
        this.byTag.delete(oldest.value[0]);
        evicted = oldest.value[1];
      }
    }
    // A tag seen twice means the broker restarted numbering (channel recovered): the older
    // delivery can no longer be settled, so hand it back like an eviction.
    const replaced = this.byTag.get(delivery.deliveryTag);
    this.byTag.delete(delivery.deliveryTag);
    this.byTag.set(delivery.deliveryTag, delivery);
    return evicted ?? replaced;
  }

  /** The deliveries an ack/nack of `tag` settles: that one, or with `allUpTo` all up to it. */
  covered(tag: unknown, allUpTo: boolean): Delivery[] {
    if (typeof tag !== 'number') return [];
    if (!allUpTo) {
      const one = this.byTag.get(tag);
      return one ? [one] : [];
    }
    const out: Delivery[] = [];
    for (const [openTag, delivery] of this.byTag) {
      // AMQP: `multiple` with tag 0 means every outstanding delivery.
      if (tag !== 0 && openTag > tag) break;
      out.push(delivery);
    }
    return out;
  }

  all(): Delivery[] {
    return [...this.byTag.values()];
  }

  remove(deliveries: readonly Delivery[]): void {
    for (const delivery of deliveries) {
      if (delivery.deliveryTag !== undefined && this.byTag.get(delivery.deliveryTag) === delivery) this.byTag.delete(delivery.deliveryTag);
    }
  }

  /** Removes and returns everything (the channel closed). */
  drain(): Delivery[] {
    const out = this.all();
    this.byTag.clear();
    return out;
  }
}
