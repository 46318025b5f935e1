/**
 * Redrive: send dead letters back to where they came from, through the real broker, safely.
 *
 * - Loop guard: a dead letter that was republished before is skipped unless `force`; one redrive
 *   of a dead letter at a time (a second concurrent request for it is skipped).
 * - Rate limit: one token bucket for all requests; a request waits for tokens up to its time budget
 *   (60 s) and reports what is left as skipped "rate limit: try again".
 * - Audit: every attempt, dry or not, succeeded or not, becomes a RedriveAuditEntry.
 * - Trace: each copy carries a fresh traceparent from a `redrive <destination>` span linked to the
 *   dead-letter event's span, and keeps the original event id (same event, new delivery).
 */
import type { TracerProvider } from '@opentelemetry/api';
import type { DeadLetterRecord, DeadLetterSearch, RedriveAuditEntry } from '../deadletters/types.js';
import type { Store } from '../store/store.js';
import { errorText, RATE_LIMITED, type BrokerRedriveContext, type BrokerRedriver, type JobOutcome, type RedriveJob } from './broker.js';
import { HEADER_EVENT_ID, HEADER_REDRIVE_COUNT, HEADER_REDRIVE_OF } from './headers.js';
import { TokenBucket, type Clock } from './token-bucket.js';
import { RedriveTracer } from './trace.js';
import { ManagementDeadLetterQueueLookup, type DeadLetterQueueLookup } from './rabbitmq-dead-letter-queue.js';

export interface RedriveBrokers {
  kafka?: { brokers: string[]; ssl?: boolean; sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string } };
  /** `managementUrl` lets redrive find a dead-letter queue no consumer span named (nobody reads it). */
  rabbitmq?: { amqpUrl: string; managementUrl?: string; vhost?: string };
}

export type RedriveStore = Pick<Store, 'getDeadLetters' | 'searchDeadLetters' | 'putRedriveAudit' | 'listRedriveAudit'>;

export interface RedriveOptions {
  store: RedriveStore;
  brokers: RedriveBrokers;
  /** Republishes per second across all requests (token bucket); default 20. */
  ratePerSecond?: number;
  log?: { warn(obj: object, msg?: string): void; info?(obj: object, msg?: string): void };
  /** Tracer for the redrive's own spans (the lead passes the collector's self-tracing or a noop). */
  tracerProvider?: TracerProvider;
  /** How long one request may wait for rate-limit tokens before reporting the rest as skipped; default 60 s. */
  timeBudgetMs?: number;
  /** Messages one scan of a RabbitMQ dead-letter queue looks at, at most; default 1,000. */
  maxScan?: number;
  /** Where RabbitMQ queues dead-letter to, instead of the management API of `brokers.rabbitmq` (tests). */
  deadLetterQueues?: DeadLetterQueueLookup;
  /** Broker access per system, instead of connections made from `brokers` (tests). */
  redrivers?: Partial<Record<RedriveSystem, BrokerRedriver>>;
  clock?: Clock;
}

export interface RedriveRequestOptions {
  dryRun: boolean;
  force: boolean;
  /** Who asked, as the audit log shows it (see `auditActor`). */
  actor: string;
}

/** `in-process`: the demo's broker, when the demo runs in this process (`causeway start --demo`). */
export type RedriveSystem = 'kafka' | 'rabbitmq' | 'in-process';

/** `messaging.system` of the demo's in-process broker (`demo/shop/transports/in-process.ts`). */
const IN_PROCESS_SYSTEM = 'causeway_demo';
export type DeadLetterFilter = Omit<DeadLetterSearch, 'limit'>;

export const DEFAULT_RATE_PER_SECOND = 20;
export const DEFAULT_TIME_BUDGET_MS = 60_000;
/** Earlier audit entries read per dead letter for the loop guard. */
const AUDIT_HISTORY_LIMIT = 1000;
const MAX_BULK = 1000;

export class DeadLetterNotFoundError extends Error {
  constructor(readonly id: string) {
    super(`dead letter ${id} not found`);
    this.name = 'DeadLetterNotFoundError';
  }
}

/** The collector has no connection to the broker the dead letter lives in. */
export class RedriveUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RedriveUnavailableError';
  }
}

export class RedriveService {
  private readonly store: RedriveStore;
  private readonly bucket: TokenBucket;
  private readonly tracer: RedriveTracer;
  private readonly timeBudgetMs: number;
  private readonly clock: Clock | undefined;
  private readonly redrivers: Partial<Record<RedriveSystem, BrokerRedriver>>;
  private readonly inFlight = new Set<string>();
  private readonly deadLetterQueues: Partial<Record<RedriveSystem, DeadLetterQueueLookup>> = {};
  private auditSequence = 0;
  private closed = false;

  constructor(private readonly options: RedriveOptions) {
    this.store = options.store;
    this.clock = options.clock;
    this.bucket = new TokenBucket(options.ratePerSecond ?? DEFAULT_RATE_PER_SECOND, options.clock);
    this.tracer = new RedriveTracer(options.tracerProvider);
    this.timeBudgetMs = options.timeBudgetMs ?? DEFAULT_TIME_BUDGET_MS;
    this.redrivers = { ...options.redrivers };
    const rabbitmq = options.brokers.rabbitmq;
    const rabbitLookup = options.deadLetterQueues ?? (rabbitmq?.managementUrl ? new ManagementDeadLetterQueueLookup(rabbitmq.managementUrl, rabbitmq.vhost) : undefined);
    if (rabbitLookup) this.deadLetterQueues.rabbitmq = rabbitLookup;
  }

  /** A broker that appears after startup: the demo's in-process broker once the demo runs. */
  addRedriver(system: RedriveSystem, redriver: BrokerRedriver, deadLetterQueues?: DeadLetterQueueLookup): void {
    this.redrivers[system] = redriver;
    if (deadLetterQueues) this.deadLetterQueues[system] = deadLetterQueues;
  }

  /** Which systems this collector can redrive (it has their broker connection). */
  systems(): RedriveSystem[] {
    return (['kafka', 'rabbitmq', 'in-process'] as const).filter((system) => this.redrivers[system] !== undefined || (system !== 'in-process' && this.options.brokers[system] !== undefined));
  }

  /**
   * Redrives one dead letter. Rejects with DeadLetterNotFoundError for an unknown id, and with
   * RedriveUnavailableError (after auditing the attempt) when its broker is not connected.
   */
  async redriveOne(id: string, request: RedriveRequestOptions): Promise<RedriveAuditEntry> {
    const [record] = await this.store.getDeadLetters([id]);
    if (!record) throw new DeadLetterNotFoundError(id);
    const unavailable = this.unavailableReason(record);
    if (unavailable !== undefined) {
      await this.store.putRedriveAudit([this.entry(record, request, { result: 'failed', detail: unavailable })]);
      throw new RedriveUnavailableError(unavailable);
    }
    const [entry] = await this.run([record], request);
    return entry!;
  }

  /** Redrives the dead letters the filter selects (newest first, at most `limit`, ≤ 1,000). */
  async redriveMany(filter: DeadLetterFilter, request: RedriveRequestOptions & { limit: number }): Promise<RedriveAuditEntry[]> {
    const limit = Math.max(1, Math.min(MAX_BULK, Math.floor(request.limit)));
    const records = await this.store.searchDeadLetters({ ...filter, limit });
    return this.run(records, request);
  }

  async close(): Promise<void> {
    this.closed = true;
    const redrivers = Object.values(this.redrivers);
    await Promise.allSettled(redrivers.map((redriver) => redriver.close()));
  }

  /**
   * RabbitMQ dead letters seen only through the failing consumer's reject carry no dead-letter queue:
   * ask the management API where the origin queue dead-letters to. The first candidate queue is used;
   * the record in the store is left as derived.
   */
  private async withDeadLetterQueues(records: DeadLetterRecord[]): Promise<DeadLetterRecord[]> {
    const cache = new Map<string, Promise<string | undefined>>();
    return Promise.all(
      records.map(async (record) => {
        const system = systemOf(record);
        const lookup = system === undefined ? undefined : this.deadLetterQueues[system];
        if (record.deadLetter.destination || !lookup) return record;
        const origin = record.origin.destination;
        const key = `${system}\u0000${origin}\u0000${record.origin.group}`;
        let found = cache.get(key);
        if (!found) {
          found = lookup.queuesFor(record).then(
            (queues) => queues[0],
            (error: unknown) => {
              this.options.log?.warn({ err: errorText(error), queue: origin }, 'redrive: could not look up the dead-letter queue');
              return undefined;
            },
          );
          cache.set(key, found);
        }
        const destination = await found;
        return destination ? { ...record, deadLetter: { ...record.deadLetter, destination } } : record;
      }),
    );
  }

  private async run(given: DeadLetterRecord[], request: RedriveRequestOptions): Promise<RedriveAuditEntry[]> {
    const records = await this.withDeadLetterQueues(given);
    const deadline = this.now() + this.timeBudgetMs;
    const entries: Array<RedriveAuditEntry | undefined> = records.map(() => undefined);
    const groups = new Map<string, { system: RedriveSystem; destination: string; jobs: RedriveJob[]; indexes: number[] }>();
    const locked: string[] = [];
    try {
      const previous = await this.republishCounts(records);
      records.forEach((record, index) => {
        const early = this.precheck(record, request, previous[index]!);
        if (early) {
          entries[index] = this.entry(record, request, early);
          return;
        }
        this.inFlight.add(record.id);
        locked.push(record.id);
        const system = systemOf(record)!;
        const destination = record.deadLetter.destination!;
        const key = `${system}\u0000${destination}`;
        let group = groups.get(key);
        if (!group) groups.set(key, (group = { system, destination, jobs: [], indexes: [] }));
        group.jobs.push({ record, redriveCount: previous[index]! + 1 });
        group.indexes.push(index);
      });
      const context = this.context(request.dryRun, deadline);
      const early = entries.filter((entry): entry is RedriveAuditEntry => entry !== undefined);
      if (early.length > 0) await this.store.putRedriveAudit(early);
      for (const group of groups.values()) {
        const outcomes = await this.redriveGroup(group.system, group.destination, group.jobs, context, deadline);
        const written = group.jobs.map((job, position) => this.entry(job.record, request, outcomes[position] ?? { result: 'failed', detail: 'no outcome from the broker' }));
        written.forEach((entry, position) => (entries[group.indexes[position]!] = entry));
        await this.store.putRedriveAudit(written);
      }
    } finally {
      for (const id of locked) this.inFlight.delete(id);
    }
    return entries.filter((entry): entry is RedriveAuditEntry => entry !== undefined);
  }

  private async redriveGroup(system: RedriveSystem, destination: string, jobs: RedriveJob[], context: BrokerRedriveContext, deadline: number): Promise<JobOutcome[]> {
    if (!context.dryRun && this.now() >= deadline) return jobs.map(() => RATE_LIMITED);
    try {
      return await (await this.redriver(system)).redrive(destination, jobs, context);
    } catch (error) {
      this.options.log?.warn({ err: errorText(error), system, destination }, 'redrive: broker unavailable');
      return jobs.map(() => ({ result: 'failed', detail: `${system === 'kafka' ? 'Kafka' : 'RabbitMQ'} unavailable: ${errorText(error)}` }));
    }
  }

  /** The outcome decided without the broker, if any. */
  private precheck(record: DeadLetterRecord, request: RedriveRequestOptions, republished: number): JobOutcome | undefined {
    const unavailable = this.unavailableReason(record);
    if (unavailable !== undefined) return { result: 'skipped', detail: unavailable };
    if (!record.deadLetter.destination) return { result: 'skipped', detail: 'the dead-letter queue or topic of this dead letter is unknown' };
    if (republished > 0 && !request.force) {
      return { result: 'skipped', detail: `already redriven ${republished === 1 ? 'once' : `${republished} times`}; pass force to redrive again` };
    }
    if (this.inFlight.has(record.id)) return { result: 'skipped', detail: 'a redrive of this dead letter is already running' };
    return undefined;
  }

  private unavailableReason(record: DeadLetterRecord): string | undefined {
    const system = systemOf(record);
    if (system === undefined) return `redrive supports Kafka and RabbitMQ dead letters; this one came through "${record.system ?? 'an unknown system'}"`;
    if (this.redrivers[system] || (system !== 'in-process' && this.options.brokers[system])) return undefined;
    if (system === 'in-process') return 'the demo broker this dead letter came through is not running in this collector';
    return system === 'kafka'
      ? 'redrive of Kafka dead letters needs the collector\'s Kafka connection: start it with --kafka <host:port>'
      : 'redrive of RabbitMQ dead letters needs an AMQP connection: start the collector with --rabbitmq <amqp-url>';
  }

  /** Broker clients are loaded only when a dead letter of that system is first redriven. */
  private async redriver(system: RedriveSystem): Promise<BrokerRedriver> {
    if (this.closed) throw new Error('the collector is shutting down');
    const { kafka, rabbitmq } = this.options.brokers;
    if (!this.redrivers[system] && system === 'kafka' && kafka) {
      const { KafkaRedriver } = await import('./kafka.js');
      this.redrivers.kafka ??= new KafkaRedriver({ ...kafka, log: this.options.log });
    } else if (!this.redrivers[system] && system === 'rabbitmq' && rabbitmq) {
      const { RabbitMqRedriver } = await import('./rabbitmq.js');
      this.redrivers.rabbitmq ??= new RabbitMqRedriver({ amqpUrl: rabbitmq.amqpUrl, maxScan: this.options.maxScan, log: this.options.log });
    }
    const redriver = this.redrivers[system];
    if (!redriver) throw new Error(`no ${system} connection`);
    return redriver;
  }

  private context(dryRun: boolean, deadline: number): BrokerRedriveContext {
    return {
      dryRun,
      permit: () => this.bucket.take(deadline),
      stamp: (job, target) => {
        const span = this.tracer.start(job.record, target, job.redriveCount);
        return {
          headers: { ...span.headers, [HEADER_EVENT_ID]: job.record.eventId, [HEADER_REDRIVE_OF]: job.record.id, [HEADER_REDRIVE_COUNT]: String(job.redriveCount) },
          end: span.end,
        };
      },
    };
  }

  /** How often each record was republished before (dry runs and failures do not count). */
  private async republishCounts(records: DeadLetterRecord[]): Promise<number[]> {
    const counts: number[] = [];
    const CONCURRENCY = 8;
    for (let start = 0; start < records.length; start += CONCURRENCY) {
      const slice = records.slice(start, start + CONCURRENCY);
      const histories = await Promise.all(slice.map((record) => this.store.listRedriveAudit({ deadLetterId: record.id, limit: AUDIT_HISTORY_LIMIT })));
      for (const history of histories) counts.push(history.filter((entry) => entry.result === 'republished' && !entry.dryRun).length);
    }
    return counts;
  }

  private entry(record: DeadLetterRecord, request: RedriveRequestOptions, outcome: JobOutcome): RedriveAuditEntry {
    const at = this.now();
    this.auditSequence = (this.auditSequence + 1) % Number.MAX_SAFE_INTEGER;
    const entry: RedriveAuditEntry = { id: `${record.id}|${at}|${this.auditSequence}`, deadLetterId: record.id, eventId: record.eventId, at, actor: request.actor, dryRun: request.dryRun, result: outcome.result };
    if (outcome.detail !== undefined) entry.detail = outcome.detail;
    if (outcome.target) entry.target = outcome.target;
    if (outcome.result === 'republished') entry.newEventId = record.eventId;
    return entry;
  }

  private now(): number {
    return this.clock ? this.clock.now() : Date.now();
  }
}

/** The broker a dead letter lives in: the record's system, else what its convention implies. */
export function systemOf(record: DeadLetterRecord): RedriveSystem | undefined {
  const system = record.system?.toLowerCase();
  if (system === 'kafka' || system === 'rabbitmq') return system;
  if (system === IN_PROCESS_SYSTEM) return 'in-process';
  if (system !== undefined) return undefined;
  if (record.deadLetter.convention === 'spring-kafka' || record.deadLetter.convention === 'kafka-connect') return 'kafka';
  if (record.deadLetter.convention === 'rabbitmq') return 'rabbitmq';
  return undefined;
}
