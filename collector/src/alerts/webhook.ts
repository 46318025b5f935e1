/**
 * Delivers alert events to the webhooks of their rule. Sending never blocks or fails the engine:
 * deliveries wait in a bounded queue (the oldest is dropped, and counted, when it is full), run a
 * few at a time, time out, and are retried with exponential backoff on network errors, 5xx and 429
 * (never on other 4xx, which a retry cannot fix). Failures are logged.
 */
import { jsonPayload, slackPayload } from './payloads.js';
import type { AlertEvent, AlertNotifier, AlertRule } from './types.js';

export interface AlertNotifierSink {
  send(event: AlertEvent, rule: AlertRule): void;
  close(): Promise<void>;
}

export interface NotifierLog {
  info(o: object, m?: string): void;
  warn(o: object, m?: string): void;
}

export interface WebhookNotifierOptions {
  /** Per attempt; default 5 s. */
  timeoutMs?: number;
  /** Attempts after the first; default 3. */
  retries?: number;
  /** Deliveries waiting at most; default 1,000. */
  maxQueue?: number;
  /** First retry delay, doubled per retry (with jitter); default 500 ms. */
  backoffMs?: number;
  /** Deliveries in flight at once (to different URLs: each URL gets one at a time, in order); default 4. */
  concurrency?: number;
  log?: NotifierLog;
  fetch?: typeof fetch;
}

export interface WebhookNotifierStats {
  delivered: number;
  failed: number;
  dropped: number;
  queued: number;
}

interface Delivery {
  target: AlertNotifier;
  body: string;
  eventId: string;
}

const CLOSE_WAIT_MS = 5_000;
const MAX_BACKOFF_MS = 30_000;

export class WebhookNotifier implements AlertNotifierSink {
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly maxQueue: number;
  private readonly backoffMs: number;
  private readonly concurrency: number;
  private readonly log: NotifierLog | undefined;
  private readonly fetch: typeof fetch;
  private readonly queue: Delivery[] = [];
  /** Aborts in-flight requests and pending backoffs when `close` gives up waiting. */
  private readonly shutdown = new AbortController();
  private inFlight = 0;
  private readonly busyUrls = new Set<string>();
  private closed = false;
  private idleWaiters: Array<() => void> = [];
  private readonly counts = { delivered: 0, failed: 0, dropped: 0 };

  constructor(options: WebhookNotifierOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.retries = Math.max(0, options.retries ?? 3);
    this.maxQueue = Math.max(1, options.maxQueue ?? 1_000);
    this.backoffMs = Math.max(0, options.backoffMs ?? 500);
    this.concurrency = Math.max(1, options.concurrency ?? 4);
    this.log = options.log;
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  send(event: AlertEvent, rule: AlertRule): void {
    if (this.closed) return;
    for (const target of rule.notify) {
      let body: string;
      try {
        body = JSON.stringify(target.format === 'slack' ? slackPayload(event, rule) : jsonPayload(event, rule));
      } catch (error) {
        this.log?.warn({ err: error, eventId: event.id }, 'alert notification could not be serialised');
        continue;
      }
      if (this.queue.length >= this.maxQueue) {
        const dropped = this.queue.shift();
        this.counts.dropped++;
        this.log?.warn({ url: dropped?.target.url, eventId: dropped?.eventId, dropped: this.counts.dropped }, 'alert notification queue full: dropped the oldest');
      }
      this.queue.push({ target, body, eventId: event.id });
    }
    this.pump();
  }

  stats(): WebhookNotifierStats {
    return { ...this.counts, queued: this.queue.length + this.inFlight };
  }

  /** Waits up to 5 s for queued deliveries, then abandons the rest (logged). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.queue.length > 0 || this.inFlight > 0) {
      let timer: NodeJS.Timeout | undefined;
      const idle = new Promise<void>((resolve) => this.idleWaiters.push(resolve));
      const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS)));
      await Promise.race([idle, timeout]);
      clearTimeout(timer);
    }
    const abandoned = this.queue.length + this.inFlight;
    if (abandoned > 0) this.log?.warn({ abandoned }, 'alert notifications abandoned at shutdown');
    this.queue.length = 0;
    this.shutdown.abort();
  }

  private pump(): void {
    while (this.inFlight < this.concurrency) {
      // One delivery per URL at a time, so a receiver sees an alert's firing before its resolution.
      const index = this.queue.findIndex((candidate) => !this.busyUrls.has(candidate.target.url));
      if (index < 0) return;
      const [delivery] = this.queue.splice(index, 1);
      if (!delivery) return;
      this.inFlight++;
      this.busyUrls.add(delivery.target.url);
      void this.deliver(delivery).finally(() => {
        this.inFlight--;
        this.busyUrls.delete(delivery.target.url);
        this.pump();
        if (this.inFlight === 0 && this.queue.length === 0) this.wakeIdleWaiters();
      });
    }
  }

  private wakeIdleWaiters(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }

  private async deliver(delivery: Delivery): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.attempt(delivery);
      if (outcome.ok) {
        this.counts.delivered++;
        return;
      }
      const last = !outcome.retryable || attempt >= this.retries || this.shutdown.signal.aborted;
      if (last) {
        this.counts.failed++;
        this.log?.warn({ url: delivery.target.url, eventId: delivery.eventId, attempts: attempt + 1, error: outcome.error }, 'alert notification failed');
        return;
      }
      const delay = Math.min(MAX_BACKOFF_MS, outcome.retryAfterMs ?? this.backoffMs * 2 ** attempt * (0.75 + Math.random() * 0.5));
      await sleep(delay, this.shutdown.signal);
    }
  }

  private async attempt(delivery: Delivery): Promise<{ ok: true } | { ok: false; retryable: boolean; error: string; retryAfterMs?: number }> {
    const signal = AbortSignal.any([AbortSignal.timeout(this.timeoutMs), this.shutdown.signal]);
    try {
      const response = await this.fetch(delivery.target.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'causeway-alerts/1' },
        body: delivery.body,
        signal,
      });
      // Read the body so the connection can be reused; its content does not matter.
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return { ok: true };
      const retryable = response.status >= 500 || response.status === 429;
      const retryAfterMs = retryAfter(response.headers.get('retry-after'));
      return { ok: false, retryable, error: `HTTP ${response.status}`, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || (error.name === 'AbortError' && !this.shutdown.signal.aborted));
      return { ok: false, retryable: true, error: timedOut ? `timed out after ${this.timeoutMs} ms` : describeError(error) };
    }
  }
}

function retryAfter(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
