/**
 * Reads every queue of a vhost from RabbitMQ's management HTTP API in one request, asking only for
 * the columns lag needs so thousands of queues stay a small response.
 *
 * Caveats the readers of these numbers must know:
 * - The API serves statistics the node emits every `collect_statistics_interval` (5 s by default),
 *   so depths may be that much behind the broker.
 * - The cumulative counters (`message_stats.*`) live in the management database: they start again
 *   from zero when the node restarts or the queue is re-created, and they are absent until the queue
 *   has seen any activity. They are reported only when present.
 * - Streams (`x-queue-type: stream`) are left out: their depth is retention, not lag.
 * - `head_message_timestamp` is the AMQP `timestamp` property of the queue's oldest unacknowledged
 *   message (classic queues only, and only when producers set the property). The property is in
 *   seconds by the spec, but many producers write milliseconds: values past 1e11 are taken as ms.
 */
import type { QueueReading } from '../../types.js';

export interface ManagementQueue extends QueueReading {
  name: string;
  consumers: number;
}

/** `message_stats` fields whose sum is the messages that left the queue for good (the queue's "offset"). */
const SETTLED_STATS = ['ack', 'deliver_no_ack', 'get_no_ack'] as const;

const COLUMNS = [
  'name',
  'type',
  'messages_ready',
  'messages_unacknowledged',
  'consumers',
  'head_message_timestamp',
  'message_stats.deliver_get',
  ...SETTLED_STATS.map((stat) => `message_stats.${stat}`),
].join(',');

/** Above this an AMQP timestamp is in milliseconds (1e11 s is the year 5138). */
const MILLISECOND_TIMESTAMP_THRESHOLD = 1e11;

export class ManagementClient {
  /** Base URL without credentials, safe for logs and errors. */
  readonly shownUrl: string;
  private readonly base: URL;
  private readonly authorization: string | undefined;

  constructor(
    managementUrl: string,
    private readonly vhost: string,
    private readonly timeoutMs: number,
  ) {
    let url: URL;
    try {
      url = new URL(managementUrl);
    } catch {
      throw new Error(`RabbitMQ management URL "${redact(managementUrl)}" is not a valid URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new Error(`RabbitMQ management URL must be http:// or https://, got "${url.protocol}"`);
    }
    // fetch refuses URLs with credentials: they travel as a basic-auth header instead.
    if (url.username || url.password) {
      const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
      this.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
    }
    url.username = '';
    url.password = '';
    url.search = '';
    url.hash = '';
    // Keep a path prefix (API behind a reverse proxy at /rabbitmq/) and make it a directory.
    if (!url.pathname.endsWith('/')) url.pathname += '/';
    this.base = url;
    this.shownUrl = url.href.replace(/\/$/, '');
  }

  /** Checks that the API answers and accepts the credentials. */
  async verify(signal?: AbortSignal): Promise<void> {
    const overview = await this.get('api/overview', signal);
    if (!isRecord(overview) || typeof overview.management_version !== 'string') {
      throw new Error(`${this.shownUrl} did not answer like a RabbitMQ management API (no management_version in /api/overview)`);
    }
  }

  /** Every queue of the vhost; entries without the basic depth fields (stats not emitted yet) are left out. */
  async listQueues(signal?: AbortSignal): Promise<ManagementQueue[]> {
    const body = await this.get(`api/queues/${encodeURIComponent(this.vhost)}?columns=${COLUMNS}`, signal);
    if (!Array.isArray(body)) throw new Error(`RabbitMQ management API at ${this.shownUrl} answered /api/queues with something other than a list`);
    const queues: ManagementQueue[] = [];
    for (const item of body) {
      const queue = parseQueue(item);
      if (queue) queues.push(queue);
    }
    return queues;
  }

  private async get(path: string, signal: AbortSignal | undefined): Promise<unknown> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const url = new URL(path, this.base);
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { accept: 'application/json', ...(this.authorization ? { authorization: this.authorization } : {}) },
        signal: combined,
      });
    } catch (err) {
      if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error(`poll of ${this.shownUrl} aborted`);
      if (timeout.aborted) throw new Error(`RabbitMQ management API at ${this.shownUrl} did not answer within ${this.timeoutMs} ms`);
      throw new Error(`RabbitMQ management API at ${this.shownUrl} is unreachable: ${causeOf(err)}`);
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => {});
      throw new Error(`RabbitMQ management API at ${this.shownUrl} answered ${url.pathname} with HTTP ${response.status}${statusHint(response.status, this.vhost)}`);
    }
    try {
      return await response.json();
    } catch (err) {
      throw new Error(`RabbitMQ management API at ${this.shownUrl} sent a body that is not JSON: ${causeOf(err)}`);
    }
  }
}

function parseQueue(item: unknown): ManagementQueue | undefined {
  if (!isRecord(item) || typeof item.name !== 'string') return undefined;
  // A stream keeps every message for its retention whatever its consumers read (they track their
  // own offsets), so its depth is not lag.
  if (item.type === 'stream') return undefined;
  const ready = count(item.messages_ready);
  const unacked = count(item.messages_unacknowledged);
  if (ready === undefined || unacked === undefined) return undefined;
  const queue: ManagementQueue = { name: item.name, ready, unacked, consumers: count(item.consumers) ?? 0 };
  const stats = isRecord(item.message_stats) ? item.message_stats : undefined;
  if (stats) {
    // deliver_get already includes redeliveries (`redeliver` is a subset of it), so it is not added.
    const delivered = count(stats.deliver_get);
    if (delivered !== undefined) queue.delivered = delivered;
    // Auto-ack deliveries and gets never produce an ack but do take messages off the queue.
    const settled = SETTLED_STATS.map((stat) => count(stats[stat]));
    if (settled.some((value) => value !== undefined)) queue.acked = settled.reduce<number>((sum, value) => sum + (value ?? 0), 0);
  }
  const head = item.head_message_timestamp;
  if (typeof head === 'number' && Number.isFinite(head) && head > 0) {
    queue.headPublishedAt = head > MILLISECOND_TIMESTAMP_THRESHOLD ? Math.round(head) : Math.round(head * 1000);
  }
  return queue;
}

/** A non-negative integer count, or undefined when the field is missing or not a count. */
function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function statusHint(status: number, vhost: string): string {
  if (status === 401) return ' (credentials refused)';
  if (status === 403) return ' (the user lacks the monitoring tag or access to the vhost)';
  if (status === 404) return ` (no vhost "${vhost}", or not a management API)`;
  return '';
}

/** fetch reports "fetch failed" and hides the socket error in `cause`. */
function causeOf(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause;
  if (cause instanceof Error) return `${cause.message}${'code' in cause && typeof cause.code === 'string' && !cause.message.includes(cause.code) ? ` (${cause.code})` : ''}`;
  return err.message;
}

/** Hides a password in a URL for messages. */
export function redact(address: string): string {
  return address.replace(/(\/\/[^:/@]*:)[^@/]*@/, '$1***@');
}
