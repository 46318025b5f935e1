/**
 * Republishes per second, shared by every redrive request: a token bucket holding at most one
 * second's worth, so a burst after a quiet spell is bounded too. Waiters are served in order.
 */

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export class TokenBucket {
  private tokens: number;
  private refilledAt: number;
  private readonly capacity: number;
  /** Serialises waiters so tokens go out first come, first served. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly ratePerSecond: number,
    private readonly clock: Clock = realClock,
  ) {
    if (!Number.isFinite(ratePerSecond) || ratePerSecond <= 0) throw new Error(`redrive rate must be a positive number, got ${ratePerSecond}`);
    this.capacity = Math.max(1, ratePerSecond);
    this.tokens = this.capacity;
    this.refilledAt = clock.now();
  }

  /** Takes one token, waiting for it until `deadline` (epoch ms); false when it would come later. */
  take(deadline: number): Promise<boolean> {
    const turn = this.queue.then(() => this.takeNow(deadline));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async takeNow(deadline: number): Promise<boolean> {
    this.refill();
    if (this.tokens < 1) {
      const waitMs = Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000);
      if (this.clock.now() + waitMs > deadline) return false;
      await this.clock.sleep(waitMs);
      this.refill();
    }
    this.tokens -= 1;
    return true;
  }

  private refill(): void {
    const now = this.clock.now();
    const elapsed = Math.max(0, now - this.refilledAt);
    this.tokens = Math.min(this.capacity, this.tokens + (elapsed / 1000) * this.ratePerSecond);
    this.refilledAt = now;
  }
}
