/**
 * Kafka redrive: read the one record at the dead letter's partition and offset of the dead-letter
 * topic, and produce it to the origin topic (same key, value and partition; headers kept except the
 * trace context and the previous failure's provenance).
 *
 * kafkajs reads only through a consumer group, so one short-lived consumer with a unique group
 * (never committing) serves all the reads of one request on one topic: seek, take the record,
 * pause; the group is deleted afterwards.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Admin, type Consumer, type IHeaders, type KafkaMessage, type Producer, type SASLOptions } from 'kafkajs';
import { errorText, RATE_LIMITED, type BrokerRedriveContext, type BrokerRedriver, type JobOutcome, type RedriveJob, type RedriveTarget } from './broker.js';
import { keepsHeader } from './headers.js';

export interface KafkaRedriverOptions {
  brokers: string[];
  ssl?: boolean;
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
  /** How long one read of a dead-letter record may take (group join included); default 20 s. */
  readTimeoutMs?: number;
  log?: { warn(obj: object, msg?: string): void };
}

export const REDRIVE_GROUP_PREFIX = 'causeway-redrive-';
const DEFAULT_READ_TIMEOUT_MS = 20_000;

export class KafkaRedriver implements BrokerRedriver {
  private readonly kafka: Kafka;
  private admin: Promise<Admin> | undefined;
  private producer: Promise<Producer> | undefined;
  private closed = false;

  constructor(private readonly options: KafkaRedriverOptions) {
    this.kafka = new Kafka({
      clientId: 'causeway-redrive',
      brokers: options.brokers,
      ssl: options.ssl,
      sasl: options.sasl as SASLOptions | undefined,
      logLevel: logLevel.NOTHING,
      retry: { retries: 3 },
    });
  }

  async redrive(deadLetterTopic: string, jobs: RedriveJob[], context: BrokerRedriveContext): Promise<JobOutcome[]> {
    const admin = await this.connected('admin');
    let watermarks: Array<{ partition: number; low: string; high: string }>;
    try {
      watermarks = await admin.fetchTopicOffsets(deadLetterTopic);
    } catch (error) {
      return jobs.map(() => ({ result: 'skipped', detail: `dead-letter topic "${deadLetterTopic}" cannot be read: ${errorText(error)}` }));
    }
    let reader: OffsetReader | undefined;
    const outcomes: JobOutcome[] = [];
    try {
      for (const job of jobs) {
        const { partition, offset } = job.record.deadLetter;
        if (partition === undefined || offset === undefined || !/^\d{1,19}$/.test(offset)) {
          outcomes.push({ result: 'skipped', detail: 'the dead letter\'s partition and offset in the dead-letter topic are unknown' });
          continue;
        }
        const mark = watermarks.find((entry) => entry.partition === partition);
        if (!mark || BigInt(offset) < BigInt(mark.low) || BigInt(offset) >= BigInt(mark.high)) {
          outcomes.push({ result: 'skipped', detail: 'message no longer in the dead-letter topic' });
          continue;
        }
        const target: RedriveTarget = { system: 'kafka', destination: job.record.origin.destination };
        if (context.dryRun) {
          outcomes.push({ result: 'would-republish', target });
          continue;
        }
        if (!(await context.permit())) {
          outcomes.push({ ...RATE_LIMITED, target });
          continue;
        }
        reader ??= new OffsetReader(this.kafka, deadLetterTopic, this.options.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS);
        let message: KafkaMessage | undefined;
        try {
          message = await reader.read(partition, offset);
        } catch (error) {
          outcomes.push({ result: 'failed', detail: `reading ${deadLetterTopic}[${partition}]@${offset} failed: ${errorText(error)}`, target });
          continue;
        }
        if (!message) {
          outcomes.push({ result: 'failed', detail: `${deadLetterTopic}[${partition}]@${offset} could not be read in time`, target });
          continue;
        }
        outcomes.push(await this.produce(job, target, message, context));
      }
      return outcomes;
    } finally {
      await reader?.close(admin);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const [admin, producer] = await Promise.all([this.admin?.catch(() => undefined), this.producer?.catch(() => undefined)]);
    await Promise.allSettled([admin?.disconnect(), producer?.disconnect()]);
  }

  private async produce(job: RedriveJob, target: RedriveTarget, message: KafkaMessage, context: BrokerRedriveContext): Promise<JobOutcome> {
    const span = context.stamp(job, target);
    try {
      const producer = await this.connected('producer');
      await producer.send({
        topic: target.destination,
        messages: [{ key: message.key, value: message.value, headers: copyHeaders(message.headers, span.headers), partition: job.record.origin.partition }],
      });
      span.end();
      return { result: 'republished', target };
    } catch (error) {
      span.end(error);
      return { result: 'failed', detail: `producing to ${target.destination} failed: ${errorText(error)}`, target };
    }
  }

  private connected(kind: 'admin'): Promise<Admin>;
  private connected(kind: 'producer'): Promise<Producer>;
  private connected(kind: 'admin' | 'producer'): Promise<Admin | Producer> {
    if (this.closed) return Promise.reject(new Error('redrive is closed'));
    if (kind === 'admin') {
      this.admin ??= this.connect(this.kafka.admin(), () => (this.admin = undefined));
      return this.admin;
    }
    this.producer ??= this.connect(this.kafka.producer({ allowAutoTopicCreation: false }), () => (this.producer = undefined));
    return this.producer;
  }

  /** A failed or dropped connection is forgotten, so the next request connects again. */
  private connect<T extends Admin | Producer>(client: T, forget: () => void): Promise<T> {
    const connecting = client.connect().then(() => client);
    connecting.catch(forget);
    const emitter = client as unknown as { events: { DISCONNECT: string }; on(event: string, listener: () => void): unknown };
    emitter.on(emitter.events.DISCONNECT, forget);
    return connecting;
  }
}

function copyHeaders(headers: IHeaders | undefined, stamped: Record<string, string>): IHeaders {
  const copy: IHeaders = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value !== undefined && keepsHeader(name)) copy[name] = value;
  }
  return { ...copy, ...stamped };
}

/** One consumer on one topic, reading single records by partition and offset. */
class OffsetReader {
  private readonly groupId = `${REDRIVE_GROUP_PREFIX}${randomUUID()}`;
  private readonly consumer: Consumer;
  private started: Promise<void> | undefined;
  private waiting: { key: string; resolve: (message: KafkaMessage) => void } | undefined;

  constructor(
    kafka: Kafka,
    private readonly topic: string,
    private readonly timeoutMs: number,
  ) {
    this.consumer = kafka.consumer({ groupId: this.groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 250, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
  }

  async read(partition: number, offset: string): Promise<KafkaMessage | undefined> {
    this.started ??= this.start();
    await this.started;
    let timer: NodeJS.Timeout | undefined;
    const found = new Promise<KafkaMessage | undefined>((resolve) => {
      this.waiting = { key: `${partition}:${offset}`, resolve };
      timer = setTimeout(() => resolve(undefined), this.timeoutMs);
    });
    this.consumer.seek({ topic: this.topic, partition, offset });
    this.consumer.resume([{ topic: this.topic }]);
    try {
      return await found;
    } finally {
      clearTimeout(timer);
      this.waiting = undefined;
      // Stops reading past the record until the next seek.
      this.consumer.pause([{ topic: this.topic }]);
    }
  }

  async close(admin: Admin): Promise<void> {
    await this.consumer.disconnect().catch(() => undefined);
    if (this.started) await admin.deleteGroups([this.groupId]).catch(() => undefined);
  }

  private async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [this.topic], fromBeginning: false });
    await this.consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        if (this.waiting?.key === `${partition}:${message.offset}`) this.waiting.resolve(message);
      },
    });
  }
}
