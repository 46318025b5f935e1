/**
 * Consumer lag of RabbitMQ queues. A queue is its own consumer group: every reading has
 * `group` = `destination` = the queue, `members` = its consumers, and one partition (0) whose
 * `queue` holds the depths.
 *
 * - With a management URL (preferred) one `GET /api/queues/<vhost>` per poll reads every queue:
 *   ready, unacknowledged, consumers, the head message's publish time, and cumulative counters
 *   (`acked`: acks plus auto-ack deliveries and gets; `delivered`: `deliver_get`, redeliveries
 *   included). Those counters reset when the node restarts (see management-client.ts).
 * - Without one, or for wanted queues the listing lacks when an AMQP URL is also given, passive
 *   declares over AMQP read ready and consumers only (`unacked` reads 0: AMQP cannot see it).
 *
 * Which queues: `queues` (names or globs) filters; without it all queues except `amq.*`. Over AMQP
 * nothing can be listed, so the candidates are the exact names in `queues` plus what
 * `discoverQueues()` returns (e.g. queues seen in consumer spans), kept when they pass the filter.
 */
import type { GroupReading, LagSource } from '../../types.js';
import { ManagementClient, type ManagementQueue } from './management-client.js';
import { describe, PassiveDeclareClient, type DeclaredQueue } from './passive-declare-client.js';
import { QueueFilter } from './queue-filter.js';

export interface RabbitMqLagSourceOptions {
  /** amqp(s):// URL for passive declares (used when no management URL, or for queues the API misses). */
  amqpUrl?: string;
  /** http(s)://user:pass@host:15672 — preferred when given. */
  managementUrl?: string;
  /** vhost; default: the AMQP URL's vhost, else '/'. */
  vhost?: string;
  /** Default 'default'. */
  cluster?: string;
  /**
   * Queue names or globs to watch. With the management API, default all queues (except amq.*);
   * over AMQP only exact names can be declared, so globs are matched against `discoverQueues()`.
   */
  queues?: string[];
  /** Extra queue names to check, e.g. the queues Causeway saw in consumer spans. Called each poll. */
  discoverQueues?: () => Promise<string[]> | string[];
  /** Name of the AMQP connection in RabbitMQ's connection list; default 'causeway-lag'. */
  connectionName?: string;
  /** Most queues one poll reports (bounds the work and memory of a poll); default 10,000. */
  maxQueues?: number;
  /** Timeout of one management API request; default 10 s. */
  requestTimeoutMs?: number;
  log?: { warn(obj: object, msg?: string): void; debug?(obj: object, msg?: string): void };
}

const DEFAULT_MAX_QUEUES = 10_000;
const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

export class RabbitMqLagSource implements LagSource {
  readonly system = 'rabbitmq' as const;
  readonly name: string;
  private readonly filter: QueueFilter;
  private readonly cluster: string;
  private readonly maxQueues: number;
  private truncationWarned = false;

  private constructor(
    private readonly options: RabbitMqLagSourceOptions,
    private readonly management: ManagementClient | undefined,
    private readonly amqp: PassiveDeclareClient | undefined,
  ) {
    this.filter = new QueueFilter(options.queues);
    this.cluster = options.cluster?.trim() || 'default';
    this.maxQueues = Math.max(1, Math.floor(options.maxQueues ?? DEFAULT_MAX_QUEUES));
    this.name = `rabbitmq:${management?.shownUrl ?? amqp?.shownUrl ?? ''}`;
  }

  /**
   * Checks the configuration and that the broker answers (the management API when given, else an
   * AMQP connection), so a source that was created can poll.
   */
  static async create(options: RabbitMqLagSourceOptions): Promise<RabbitMqLagSource> {
    if (!options.managementUrl && !options.amqpUrl) throw new Error('RabbitMQ lag source needs an AMQP URL or a management URL');
    const amqpUrl = options.amqpUrl ? withVhost(options.amqpUrl, options.vhost) : undefined;
    const vhost = options.vhost ?? (amqpUrl ? vhostOf(amqpUrl) : '/');
    const timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    const management = options.managementUrl ? new ManagementClient(options.managementUrl, vhost, timeoutMs) : undefined;
    const amqp = amqpUrl ? new PassiveDeclareClient(amqpUrl, options.connectionName ?? 'causeway-lag', options.log) : undefined;
    const source = new RabbitMqLagSource(options, management, amqp);
    if (management) await management.verify();
    else await amqp?.connect();
    return source;
  }

  async poll(signal: AbortSignal): Promise<GroupReading[]> {
    signal.throwIfAborted();
    const discovered = await this.discover();
    if (this.management) {
      const listed = (await this.management.listQueues(signal)).filter((queue) => this.filter.matches(queue.name));
      const names = new Set(listed.map((queue) => queue.name));
      const missing = this.candidates(discovered).filter((name) => !names.has(name));
      const declared = this.amqp && missing.length > 0 ? await this.amqp.checkQueues(this.bounded(missing, listed.length), signal) : [];
      return [...this.bounded(listed, 0).map((queue) => this.fromManagement(queue)), ...declared.map((queue) => this.fromDeclare(queue))];
    }
    if (!this.amqp) return [];
    const declared = await this.amqp.checkQueues(this.bounded(this.candidates(discovered), 0), signal);
    return declared.map((queue) => this.fromDeclare(queue));
  }

  async close(): Promise<void> {
    await this.amqp?.close();
  }

  /** Names a passive declare can check: exact names from `queues`, then discovered names that pass the filter. */
  private candidates(discovered: readonly string[]): string[] {
    const names = new Set(this.filter.exactNames);
    for (const name of discovered) if (this.filter.matches(name)) names.add(name);
    return [...names];
  }

  private async discover(): Promise<string[]> {
    if (!this.options.discoverQueues) return [];
    try {
      const names = await this.options.discoverQueues();
      return Array.isArray(names) ? names.filter((name): name is string => typeof name === 'string' && name.length > 0) : [];
    } catch (err) {
      // Discovery only adds candidates: polling the known queues goes on without it.
      this.options.log?.warn({ err: describe(err), source: this.name }, 'RabbitMQ lag: queue discovery failed');
      return [];
    }
  }

  /** At most `maxQueues` in all, counting `already` reported ones; warns once when cut. */
  private bounded<T>(items: readonly T[], already: number): T[] {
    const room = Math.max(0, this.maxQueues - already);
    if (items.length <= room) return [...items];
    if (!this.truncationWarned) {
      this.truncationWarned = true;
      this.options.log?.warn({ source: this.name, queues: items.length + already, maxQueues: this.maxQueues }, 'RabbitMQ lag: more queues than maxQueues; the rest are not polled (narrow `queues`)');
    }
    return items.slice(0, room);
  }

  private fromManagement(queue: ManagementQueue): GroupReading {
    const { name, consumers, ...counts } = queue;
    return this.reading(name, consumers, counts);
  }

  private fromDeclare(queue: DeclaredQueue): GroupReading {
    return this.reading(queue.name, queue.consumers, { ready: queue.ready, unacked: 0 });
  }

  private reading(queue: string, consumers: number, counts: Omit<ManagementQueue, 'name' | 'consumers'>): GroupReading {
    return {
      system: 'rabbitmq',
      cluster: this.cluster,
      group: queue,
      destination: queue,
      members: consumers,
      partitions: [{ partition: 0, queue: counts }],
    };
  }
}

/** The vhost an amqp:// URL names (its path), '/' when it names none, as amqplib reads it. */
function vhostOf(amqpUrl: string): string {
  const path = parseAmqpUrl(amqpUrl).pathname;
  return path.length > 1 ? decodeURIComponent(path.slice(1)) : '/';
}

/** The AMQP URL with `vhost` as its path when one is given, so both clients read the same vhost. */
function withVhost(amqpUrl: string, vhost: string | undefined): string {
  const url = parseAmqpUrl(amqpUrl);
  if (vhost === undefined) return amqpUrl;
  url.pathname = `/${encodeURIComponent(vhost)}`;
  return url.toString();
}

function parseAmqpUrl(amqpUrl: string): URL {
  let url: URL;
  try {
    url = new URL(amqpUrl);
  } catch {
    throw new Error(`RabbitMQ AMQP URL "${amqpUrl.replace(/(\/\/[^:/@]*:)[^@/]*@/, '$1***@')}" is not a valid URL`);
  }
  if (url.protocol !== 'amqp:' && url.protocol !== 'amqps:') throw new Error(`RabbitMQ AMQP URL must be amqp:// or amqps://, got "${url.protocol}"`);
  return url;
}
