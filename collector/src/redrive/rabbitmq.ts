/**
 * RabbitMQ redrive: `basic.get` from the dead-letter queue, without ack, until the wanted messages
 * turn up (at most `maxScan` messages), republish each to its origin queue over a confirm channel,
 * then ack its dead-letter copy. Messages passed over stay unacked until the scan ends, so the scan
 * sees each once, and are then requeued (in their order); closing the channel would requeue them too.
 *
 * The copy goes to the origin QUEUE through the default exchange, not back through the original
 * exchange: a fanout or topic exchange would also deliver it to every other queue bound there, whose
 * consumers handled the message the first time.
 */
import amqp, { type Channel, type ChannelModel, type ConfirmChannel, type GetMessage, type MessageProperties, type Options } from 'amqplib';
import { errorText, RATE_LIMITED, type BrokerRedriveContext, type BrokerRedriver, type JobOutcome, type RedriveJob, type RedriveTarget } from './broker.js';
import { eventIdsOf, findHeaderText, keepsHeader } from './headers.js';

export interface RabbitMqRedriverOptions {
  amqpUrl: string;
  /** Messages one scan of a dead-letter queue looks at, at most; default 1,000. */
  maxScan?: number;
  /** Shown in RabbitMQ's connection list. */
  connectionName?: string;
  log?: { warn(obj: object, msg?: string): void };
}

const DEFAULT_MAX_SCAN = 1000;
const CONFIRM_TIMEOUT_MS = 15_000;

export class RabbitMqRedriver implements BrokerRedriver {
  private connection: ChannelModel | undefined;
  private connecting: Promise<ChannelModel> | undefined;
  private closed = false;
  private readonly maxScan: number;

  constructor(private readonly options: RabbitMqRedriverOptions) {
    this.maxScan = Math.max(1, Math.floor(options.maxScan ?? DEFAULT_MAX_SCAN));
  }

  async redrive(deadLetterDestination: string, jobs: RedriveJob[], context: BrokerRedriveContext): Promise<JobOutcome[]> {
    const connection = await this.connect();
    const queues = new QueueNames(connection);
    const channel = await connection.createChannel();
    const publisher = await connection.createConfirmChannel();
    let returned = false;
    publisher.on('return', () => (returned = true));
    // A broker-side channel error also arrives as 'error'; unhandled it would crash the collector.
    channel.on('error', () => undefined);
    publisher.on('error', () => undefined);

    const outcomes: Array<JobOutcome | undefined> = jobs.map(() => undefined);
    const passedOver: GetMessage[] = [];
    try {
      const dlq = await queues.resolve(deadLetterDestination);
      if (dlq === undefined) return jobs.map(() => ({ result: 'skipped', detail: `dead-letter queue "${deadLetterDestination}" does not exist` }));
      const wanted = new Map<string, number>();
      jobs.forEach((job, index) => wanted.set(job.record.eventId, index));
      let scanned = 0;
      while (wanted.size > 0 && scanned < this.maxScan) {
        const message = await channel.get(dlq, { noAck: false });
        if (message === false) break;
        scanned += 1;
        const index = eventIdsOf(message.properties.headers, message.properties.messageId)
          .map((id) => wanted.get(id))
          .find((found) => found !== undefined);
        if (index === undefined) {
          passedOver.push(message);
          continue;
        }
        const job = jobs[index]!;
        wanted.delete(job.record.eventId);
        const origin = await originQueue(queues, job, message);
        if (origin === undefined) {
          outcomes[index] = { result: 'failed', detail: `origin queue "${job.record.origin.destination}" does not exist` };
          passedOver.push(message);
          continue;
        }
        const target: RedriveTarget = { system: 'rabbitmq', destination: origin };
        if (context.dryRun) {
          outcomes[index] = { result: 'would-republish', target };
          passedOver.push(message);
          continue;
        }
        if (!(await context.permit())) {
          outcomes[index] = { ...RATE_LIMITED, target };
          passedOver.push(message);
          continue;
        }
        const span = context.stamp(job, target);
        try {
          returned = false;
          await confirmedPublish(publisher, origin, message.content, copyProperties(message.properties, span.headers));
          if (returned) throw new Error(`origin queue "${origin}" did not accept the message (unroutable)`);
          channel.ack(message);
          span.end();
          outcomes[index] = { result: 'republished', target };
        } catch (error) {
          span.end(error);
          outcomes[index] = { result: 'failed', detail: `republish to ${origin} failed: ${errorText(error)}`, target };
          passedOver.push(message);
        }
      }
      const notFound = scanned >= this.maxScan ? `not among the first ${this.maxScan} messages of the dead-letter queue` : 'message no longer in the dead-letter queue';
      return outcomes.map((outcome) => outcome ?? { result: 'skipped', detail: notFound });
    } catch (error) {
      const detail = `RabbitMQ: ${errorText(error)}`;
      return outcomes.map((outcome) => outcome ?? { result: 'failed', detail });
    } finally {
      for (const message of passedOver) {
        try {
          channel.nack(message, false, true);
        } catch {
          // The channel is gone: the broker requeues its unacked messages by itself.
        }
      }
      await Promise.allSettled([channel.close(), publisher.close(), queues.close()]);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const connection = this.connection ?? (await this.connecting?.catch(() => undefined));
    this.connection = undefined;
    await connection?.close().catch(() => undefined);
  }

  private async connect(): Promise<ChannelModel> {
    if (this.closed) throw new Error('redrive is closed');
    if (this.connection) return this.connection;
    this.connecting ??= amqp
      .connect(this.options.amqpUrl, { timeout: 10_000, clientProperties: { connection_name: this.options.connectionName ?? 'causeway-redrive' } })
      .then((connection) => {
        connection.on('error', (error: Error) => this.options.log?.warn({ err: error.message }, 'redrive: RabbitMQ connection error'));
        connection.on('close', () => {
          if (this.connection === connection) this.connection = undefined;
        });
        this.connection = connection;
        return connection;
      })
      .finally(() => (this.connecting = undefined));
    return this.connecting;
  }
}

/**
 * Queue names from destination names. The SDK names a consumer's destination
 * `{exchange}:{routing key}:{queue}` (parts left out when empty or equal), so the queue is the whole
 * name or its last part; a passive declare tells which one exists. It runs on a channel of its own
 * because the broker closes a channel whose passive declare fails.
 */
class QueueNames {
  private channel: Channel | undefined;
  private readonly known = new Map<string, string | undefined>();

  constructor(private readonly connection: ChannelModel) {}

  async resolve(destination: string): Promise<string | undefined> {
    if (this.known.has(destination)) return this.known.get(destination);
    const lastPart = destination.slice(destination.lastIndexOf(':') + 1);
    let found: string | undefined;
    for (const candidate of lastPart === destination ? [destination] : [destination, lastPart]) {
      if (candidate.length > 0 && (await this.exists(candidate))) {
        found = candidate;
        break;
      }
    }
    this.known.set(destination, found);
    return found;
  }

  async close(): Promise<void> {
    await this.channel?.close().catch(() => undefined);
  }

  private async exists(queue: string): Promise<boolean> {
    if (!this.channel) {
      this.channel = await this.connection.createChannel();
      this.channel.on('error', () => undefined);
    }
    const channel = this.channel;
    try {
      await channel.checkQueue(queue);
      return true;
    } catch {
      this.channel = undefined;
      return false;
    }
  }
}

/** The record's origin queue; failing that, the queue RabbitMQ says the message died in (x-death, x-first-death-queue). */
async function originQueue(queues: QueueNames, job: RedriveJob, message: GetMessage): Promise<string | undefined> {
  const fromRecord = await queues.resolve(job.record.origin.destination);
  if (fromRecord !== undefined) return fromRecord;
  const headers = message.properties.headers;
  const xDeath: unknown = headers?.['x-death'];
  const latest: unknown = Array.isArray(xDeath) ? xDeath[0] : undefined;
  const deathQueue = latest && typeof latest === 'object' ? findHeaderText(latest as Record<string, unknown>, 'queue') : undefined;
  for (const candidate of [deathQueue, findHeaderText(headers, 'x-first-death-queue')]) {
    if (candidate && (await queues.resolve(candidate)) !== undefined) return candidate;
  }
  return undefined;
}

/**
 * The dead-letter copy's properties, minus the user id (the broker refuses a publish whose user id
 * is not the connection's user) and the dropped headers, plus the redrive's headers. Persistent
 * unless the original said otherwise.
 */
function copyProperties(properties: MessageProperties, stamped: Record<string, string>): Options.Publish {
  const headers: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(properties.headers ?? {})) {
    if (keepsHeader(name)) headers[name] = value;
  }
  Object.assign(headers, stamped);
  const options: Options.Publish = { headers, mandatory: true, persistent: properties.deliveryMode !== 1 };
  if (properties.contentType !== undefined) options.contentType = properties.contentType;
  if (properties.contentEncoding !== undefined) options.contentEncoding = properties.contentEncoding;
  if (properties.priority !== undefined) options.priority = properties.priority;
  if (properties.correlationId !== undefined) options.correlationId = properties.correlationId;
  if (properties.replyTo !== undefined) options.replyTo = properties.replyTo;
  if (properties.expiration !== undefined) options.expiration = properties.expiration;
  if (properties.messageId !== undefined) options.messageId = properties.messageId;
  if (properties.timestamp !== undefined) options.timestamp = properties.timestamp;
  if (properties.type !== undefined) options.type = properties.type;
  if (properties.appId !== undefined) options.appId = properties.appId;
  return options;
}

function confirmedPublish(channel: ConfirmChannel, queue: string, content: Buffer, options: Options.Publish): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no confirm from RabbitMQ within ${CONFIRM_TIMEOUT_MS / 1000} s`)), CONFIRM_TIMEOUT_MS);
    channel.publish('', queue, content, options, (error: unknown) => {
      clearTimeout(timer);
      if (error) reject(error instanceof Error ? error : new Error(String(error)));
      else resolve();
    });
  });
}
