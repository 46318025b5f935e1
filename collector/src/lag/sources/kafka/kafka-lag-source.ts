/**
 * Kafka consumer lag source: reads every consumer group's committed offsets and every involved
 * topic's log start/end offsets through the admin API, plus commit counts from `__consumer_offsets`
 * (see `commit-watcher.ts`). It reports raw offsets only; the evaluator does the arithmetic.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Admin, type KafkaConfig, type LogEntry, type SASLOptions } from 'kafkajs';
import type { GroupReading, LagSource, PartitionReading } from '../../types.js';
import { errorMessage, PollAbortedError, raceAbort, throwIfAborted } from './bounded.js';
import { isGone, readCluster, type ClusterSnapshot } from './cluster-reader.js';
import { CommitWatcher } from './commit-watcher.js';
import { createGroupFilter, type GroupFilter } from './group-filter.js';

export interface KafkaLagSourceOptions {
  brokers: string[];
  /** Distinguishes clusters in readings; default 'default'. */
  cluster?: string;
  /** Default 'causeway-lag'. */
  clientId?: string;
  ssl?: boolean;
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
  /** Group id globs to include / exclude (`*`, `?`); default all groups except Causeway's own. */
  includeGroups?: string[];
  excludeGroups?: string[];
  /** Watch `__consumer_offsets` to count commits per group/partition (STALL vs STOP). Default true. */
  watchCommits?: boolean;
  /** Parallel requests per poll; default 8. */
  concurrency?: number;
  log?: { warn(obj: object, msg?: string): void; debug?(obj: object, msg?: string): void };
  /** TCP connect timeout per broker; default 3,000 ms. */
  connectionTimeoutMs?: number;
  /** Per request; default 10,000 ms (one poll interval). */
  requestTimeoutMs?: number;
  /** kafkajs retries per request; default 2, so a dead cluster fails a poll in seconds, not minutes. */
  retries?: number;
}

/** Prefix of the commit watchers' group ids; such groups are never reported. */
export const WATCHER_GROUP_PREFIX = 'causeway-lag-watcher-';

/** How long `create` waits for the commit watcher to join before returning without it. */
const WATCHER_START_WAIT_MS = 15_000;

const NO_LOG: Required<KafkaLagSourceOptions>['log'] = { warn: () => undefined };

export class KafkaLagSource implements LagSource {
  readonly name: string;
  readonly system = 'kafka' as const;
  private readonly cluster: string;
  private readonly kafka: Kafka;
  private readonly log: Required<KafkaLagSourceOptions>['log'];
  private readonly filter: GroupFilter;
  private readonly concurrency: number;
  private readonly watcher: CommitWatcher | undefined;
  private watcherStarting: Promise<void> | undefined;
  private admin: Admin | undefined;
  /** Topics this admin client fetched offsets for: kafkajs keeps them in every metadata request. */
  private readonly targetedTopics = new Set<string>();
  /** The latest poll's work, which may outlive an aborted poll; the next poll waits for it. */
  private draining: Promise<unknown> = Promise.resolve();
  private closed = false;

  /** Connects the admin client and the commit watcher. An unreachable cluster is logged, not thrown: polls retry. */
  static async create(options: KafkaLagSourceOptions): Promise<KafkaLagSource> {
    const source = new KafkaLagSource(options);
    try {
      await source.connectedAdmin();
    } catch (error) {
      source.log.warn({ source: source.name, err: errorMessage(error) }, 'Kafka cluster unreachable; lag polls will retry');
      return source;
    }
    source.startWatcher();
    // Joining the watcher's group can take a while on a busy cluster; polls do not need it to have joined.
    let timer: NodeJS.Timeout | undefined;
    const giveUpWaiting = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, WATCHER_START_WAIT_MS);
    });
    await Promise.race([source.watcherStarting, giveUpWaiting]);
    clearTimeout(timer);
    return source;
  }

  private constructor(options: KafkaLagSourceOptions) {
    if (options.brokers.length === 0) throw new Error('KafkaLagSource needs at least one broker');
    this.cluster = options.cluster ?? 'default';
    this.name = `kafka:${options.cluster ?? options.brokers[0]}`;
    this.log = options.log ?? NO_LOG;
    this.concurrency = Math.max(1, Math.floor(options.concurrency ?? 8));
    this.kafka = new Kafka(clientConfig(options, this.log));
    this.filter = createGroupFilter(options.includeGroups, options.excludeGroups, WATCHER_GROUP_PREFIX);
    if (options.watchCommits ?? true) {
      this.watcher = new CommitWatcher(this.kafka, { groupId: `${WATCHER_GROUP_PREFIX}${randomUUID()}`, log: this.log });
    }
  }

  async poll(signal: AbortSignal): Promise<GroupReading[]> {
    if (this.closed) throw new Error(`${this.name} is closed`);
    const what = `Kafka lag poll of ${this.name}`;
    throwIfAborted(signal, what);
    // At most one poll's requests in flight: an aborted poll's last requests finish first.
    await raceAbort(this.draining, signal, what);
    const work = this.read(signal);
    this.draining = work.catch(() => undefined);
    try {
      return await raceAbort(work, signal, what);
    } catch (error) {
      if (error instanceof PollAbortedError) throw error;
      if (signal.aborted) throw new PollAbortedError(`${what} aborted`, { cause: error });
      throw new Error(`${what} failed: ${errorMessage(error)}`, { cause: error });
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const admin = this.admin;
    this.admin = undefined;
    await Promise.allSettled([this.watcher?.stop(), admin?.disconnect()]);
  }

  private async read(signal: AbortSignal): Promise<GroupReading[]> {
    this.startWatcher();
    // kafkajs's metadata refresh asks for every topic the client has targeted and fails as a whole
    // once one of them is gone, so a topic deleted mid-poll fails the read, or makes it skip
    // groups and topics that still exist. A fresh client, which targets none, reads once more.
    let first: ClusterSnapshot | undefined;
    try {
      first = await this.readOnce(signal);
      if (first.skippedAsGone === 0) return this.toReadings(first);
      await this.dropAdmin();
    } catch (error) {
      // readOnce has dropped the client already.
      if (!isGone(error) || signal.aborted) throw error;
    }
    this.log.debug?.({ source: this.name }, 'a group or topic vanished mid-poll; reading again with a fresh Kafka admin client');
    try {
      return this.toReadings(await this.readOnce(signal));
    } catch (error) {
      // A first read that stood, less what it skipped, beats no reading at all.
      if (!first || error instanceof PollAbortedError || signal.aborted) throw error;
      return this.toReadings(first);
    }
  }

  private async readOnce(signal: AbortSignal): Promise<ClusterSnapshot> {
    let admin = await this.connectedAdmin();
    let existingTopics: Set<string>;
    try {
      existingTopics = new Set(await admin.listTopics());
      // The same failure, seen before it happens: a topic targeted by an earlier poll is gone.
      if ([...this.targetedTopics].some((topic) => !existingTopics.has(topic))) {
        this.log.debug?.({ source: this.name }, 'a topic was deleted; reconnecting the Kafka admin client');
        await this.dropAdmin();
        admin = await this.connectedAdmin();
      }
      throwIfAborted(signal, 'Kafka lag poll');
      const listed = await admin.listGroups();
      const groupIds = [...new Set(listed.groups.map((g) => g.groupId))].filter(this.filter);
      throwIfAborted(signal, 'Kafka lag poll');
      return await readCluster(admin, {
        groupIds,
        existingTopics,
        concurrency: this.concurrency,
        signal,
        log: this.log,
        onTopicTargeted: (topic) => this.targetedTopics.add(topic),
      });
    } catch (error) {
      // The client may be wedged (broker gone, stale metadata): the next read starts afresh.
      if (!(error instanceof PollAbortedError)) await this.dropAdmin();
      throw error;
    }
  }

  private toReadings(snapshot: ClusterSnapshot): GroupReading[] {
    const watching = this.watcher?.active === true;
    const readings: GroupReading[] = [];
    for (const [group, state] of snapshot.groups) {
      const committed = snapshot.committed.get(group);
      if (!committed) continue;
      const topicNames = new Set([...committed.keys(), ...state.assignedTopics]);
      for (const topic of [...topicNames].sort()) {
        const topicOffsets = snapshot.topics.get(topic);
        if (!topicOffsets) continue;
        const byPartition = committed.get(topic);
        const partitions = topicOffsets.partitions.map(({ partition, logStart, logEnd }): PartitionReading => {
          const reading: PartitionReading = { partition, offsets: { committed: byPartition?.get(partition), logStart, logEnd } };
          if (watching) reading.commits = this.watcher?.count(group, topic, partition) ?? 0;
          return reading;
        });
        readings.push({ system: 'kafka', cluster: this.cluster, group, destination: topic, members: state.members, partitions });
      }
    }
    return readings;
  }

  private async connectedAdmin(): Promise<Admin> {
    if (this.admin) return this.admin;
    const admin = this.kafka.admin();
    try {
      await admin.connect();
    } catch (error) {
      await admin.disconnect().catch(() => undefined);
      throw error;
    }
    if (this.closed) {
      await admin.disconnect();
      throw new Error(`${this.name} is closed`);
    }
    this.admin = admin;
    this.targetedTopics.clear();
    return admin;
  }

  private async dropAdmin(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    this.targetedTopics.clear();
    await admin?.disconnect().catch(() => undefined);
  }

  /** Starts (or, after an outage at start-up, retries) the commit watcher in the background. */
  private startWatcher(): void {
    const watcher = this.watcher;
    if (!watcher || watcher.started || watcher.failed || this.watcherStarting || this.closed) return;
    this.watcherStarting = watcher
      .start()
      .catch((error: unknown) => this.log.debug?.({ source: this.name, err: errorMessage(error) }, 'Kafka commit watcher did not start; retrying next poll'))
      .finally(() => {
        this.watcherStarting = undefined;
      });
  }
}

function clientConfig(options: KafkaLagSourceOptions, log: Required<KafkaLagSourceOptions>['log']): KafkaConfig {
  const config: KafkaConfig = {
    clientId: options.clientId ?? 'causeway-lag',
    brokers: options.brokers,
    connectionTimeout: options.connectionTimeoutMs ?? 3000,
    requestTimeout: options.requestTimeoutMs ?? 10_000,
    retry: { retries: options.retries ?? 2, initialRetryTime: 200, maxRetryTime: 2000 },
    // kafkajs logs every retry at ERROR; the source reports what matters itself.
    logLevel: logLevel.WARN,
    logCreator: () => (entry: LogEntry) => log.debug?.({ kafkajs: entry.namespace, err: entry.log.error }, entry.log.message),
  };
  if (options.ssl) config.ssl = true;
  if (options.sasl) config.sasl = saslOptions(options.sasl);
  return config;
}

function saslOptions(sasl: NonNullable<KafkaLagSourceOptions['sasl']>): SASLOptions {
  const { username, password } = sasl;
  switch (sasl.mechanism) {
    case 'plain':
      return { mechanism: 'plain', username, password };
    case 'scram-sha-256':
      return { mechanism: 'scram-sha-256', username, password };
    case 'scram-sha-512':
      return { mechanism: 'scram-sha-512', username, password };
  }
}
