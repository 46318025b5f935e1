/**
 * Delivery attempts per (group, event id), for brokers that do not count redeliveries themselves
 * (Kafka re-fetches an uncommitted message; classic RabbitMQ queues only flag `redelivered`).
 * Bounded: the oldest entries are forgotten first, so a forgotten message starts again at 1.
 */
export class AttemptCounter {
  private readonly counts = new Map<string, number>();

  constructor(private readonly maxEntries = 10_000) {}

  /** Records one more delivery and returns its attempt number. */
  next(key: string): number {
    const attempt = (this.counts.get(key) ?? 0) + 1;
    this.counts.delete(key);
    this.counts.set(key, attempt);
    if (this.counts.size > this.maxEntries) {
      const oldest = this.counts.keys().next().value;
      if (oldest !== undefined) this.counts.delete(oldest);
    }
    return attempt;
  }

  /** The message was settled for good. */
  done(key: string): void {
    this.counts.delete(key);
  }
}
