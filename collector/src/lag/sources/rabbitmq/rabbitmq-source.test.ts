/**
 * The RabbitMQ lag source against a real broker: the management API (the harness's node enables
 * the plugin) and passive declares over AMQP. Every test uses its own queue names.
 */
import net from 'node:net';
import amqp, { type Channel, type ChannelModel, type ConfirmChannel, type ConsumeMessage } from 'amqplib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../../../test/support/collector.js';
import { services, uniqueName } from '../../../../../test/support/services.js';
import type { GroupReading } from '../../types.js';
import { RabbitMqLagSource, type RabbitMqLagSourceOptions } from './index.js';

let connection: ChannelModel;
let channel: Channel;
/** Publishes with confirms: a confirmed message is in its queue, whichever connection reads it next. */
let publishing: ConfirmChannel;
const queues: string[] = [];
const sources: RabbitMqLagSource[] = [];
const debugLines: object[] = [];
const log = { warn: () => {}, debug: (obj: object) => void debugLines.push(obj) };

beforeAll(async () => {
  connection = await amqp.connect(services.amqpUrl);
  channel = await connection.createChannel();
  publishing = await connection.createConfirmChannel();
});

afterEach(async () => {
  await Promise.all(sources.splice(0).map((source) => source.close()));
  // A fresh channel: consumers of a test are cancelled with it, and its queues can then go.
  await channel.close().catch(() => {});
  channel = await connection.createChannel();
  for (const queue of queues.splice(0)) await channel.deleteQueue(queue);
});

afterAll(async () => {
  await connection.close();
});

async function declareQueue(name: string): Promise<string> {
  await channel.assertQueue(name, { durable: false });
  queues.push(name);
  return name;
}

/**
 * Publishes `count` messages whose AMQP timestamps (seconds) are `firstSecond`, `firstSecond + 1`, ...
 * and waits until the broker confirms them: the source reads the queue on a connection of its own,
 * which could otherwise see only some of them.
 */
async function publish(queue: string, count: number, firstSecond: number): Promise<void> {
  for (let i = 0; i < count; i++) publishing.sendToQueue(queue, Buffer.from(`m${i}`), { timestamp: firstSecond + i });
  await publishing.waitForConfirms();
}

/** A consumer on its own channel that holds `prefetch` messages unacknowledged. */
async function holdingConsumer(queue: string, prefetch: number): Promise<{ held: ConsumeMessage[]; channel: Channel }> {
  const consumerChannel = await connection.createChannel();
  await consumerChannel.prefetch(prefetch);
  const held: ConsumeMessage[] = [];
  await consumerChannel.consume(queue, (message) => void (message && held.push(message)), { noAck: false });
  return { held, channel: consumerChannel };
}

async function createSource(options: RabbitMqLagSourceOptions): Promise<RabbitMqLagSource> {
  const source = await RabbitMqLagSource.create({ log, ...options });
  sources.push(source);
  return source;
}

/** A loopback port nothing listens on (fetch refuses well-known "bad" ports such as 1). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A management API URL without credentials, plus the basic-auth header fetch needs instead. */
function managementRequest(path: string): { url: URL; headers: Record<string, string> } {
  const base = new URL(services.rabbitmqManagementUrl);
  const auth = Buffer.from(`${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`).toString('base64');
  base.username = '';
  base.password = '';
  return { url: new URL(path, base), headers: { authorization: `Basic ${auth}` } };
}

/** Broker-side names of the open connections whose client called itself `connectionName`. */
async function connectionsNamed(connectionName: string): Promise<string[]> {
  const request = managementRequest('api/connections?columns=name,client_properties.connection_name');
  const response = await fetch(request.url, { headers: request.headers });
  const connections = (await response.json()) as Array<{ name: string; client_properties?: { connection_name?: string } }>;
  return connections.filter((connection) => connection.client_properties?.connection_name === connectionName).map((connection) => connection.name);
}

const poll = (source: RabbitMqLagSource): Promise<GroupReading[]> => source.poll(AbortSignal.timeout(15_000));
const byQueue = (readings: GroupReading[], queue: string): GroupReading | undefined => readings.find((reading) => reading.group === queue);

describe('RabbitMqLagSource over the management API', () => {
  it('reads ready, unacked, consumers, the head message time and the cumulative counters of a queue', async () => {
    const queue = await declareQueue(uniqueName('cw-lag-mgmt'));
    const firstSecond = Math.floor(Date.now() / 1000) - 120;
    await publish(queue, 10, firstSecond);
    const consumer = await holdingConsumer(queue, 3);
    await eventually('three messages held', async () => (consumer.held.length === 3 ? true : undefined));

    const source = await createSource({ managementUrl: services.rabbitmqManagementUrl, cluster: 'test' });
    expect(source.system).toBe('rabbitmq');
    expect(source.name).not.toContain('guest:guest');
    // The API serves stats the node refreshes every collect_statistics_interval: poll until they show.
    const reading = await eventually(
      'the held messages in the management stats',
      async () => {
        const found = byQueue(await poll(source), queue);
        return found?.partitions[0]?.queue?.unacked === 3 && found.members === 1 ? found : undefined;
      },
      30_000,
    );
    expect(reading).toMatchObject({ system: 'rabbitmq', cluster: 'test', group: queue, destination: queue, members: 1 });
    expect(reading.partitions).toHaveLength(1);
    const counts = reading.partitions[0]?.queue;
    expect(reading.partitions[0]?.partition).toBe(0);
    expect(counts?.ready).toBe(7);
    expect(counts?.acked).toBe(0);
    expect(counts?.delivered).toBe(3);
    // The head is the oldest message not acknowledged yet: one of ours, in ms.
    expect(counts?.headPublishedAt).toBeGreaterThanOrEqual(firstSecond * 1000);
    expect(counts?.headPublishedAt).toBeLessThanOrEqual((firstSecond + 3) * 1000);

    // Two acks move the cumulative counter, and two more messages get delivered.
    consumer.channel.ack(consumer.held[0]!);
    consumer.channel.ack(consumer.held[1]!);
    // Message rates and queue lengths are refreshed separately: wait until both show the acks.
    const after = await eventually(
      'the acks in the management stats',
      async () => {
        const found = byQueue(await poll(source), queue)?.partitions[0]?.queue;
        return found?.acked === 2 && found.delivered === 5 && found.ready === 5 ? found : undefined;
      },
      30_000,
    );
    expect(after).toMatchObject({ ready: 5, unacked: 3 });
  }, 60_000);

  it('watches only the queues its names and globs select, and never amq.* queues by default', async () => {
    const prefix = uniqueName('cw-lag-glob');
    const [a, b, other] = [await declareQueue(`${prefix}.a`), await declareQueue(`${prefix}.b`), await declareQueue(uniqueName('cw-lag-other'))];
    // Server-named (amq.gen-…); deleted in afterEach like the others.
    const { queue: serverNamed } = await channel.assertQueue('', { exclusive: true });
    queues.push(serverNamed);
    expect(serverNamed.startsWith('amq.')).toBe(true);
    await publish(a, 2, 1_700_000_000);

    // A pattern that names an amq.* queue selects it. New queues are listed once the node emitted their first stats.
    const explicit = await createSource({ managementUrl: services.rabbitmqManagementUrl, queues: [`${prefix}.*`, other, serverNamed] });
    const sorted = [a, b, other, serverNamed].sort();
    await eventually(
      'the new queues in the listing',
      async () => {
        const groups = (await poll(explicit)).map((reading) => reading.group).sort();
        return JSON.stringify(groups) === JSON.stringify(sorted) ? groups : undefined;
      },
      30_000,
    );

    const everything = (await poll(await createSource({ managementUrl: services.rabbitmqManagementUrl }))).map((reading) => reading.group);
    expect(everything).toEqual(expect.arrayContaining([a, b, other]));
    expect(everything).not.toContain(serverNamed);

    // A stream's depth is its retention, not lag: listed by the API, left out by the source.
    const stream = `${prefix}.stream`;
    await channel.assertQueue(stream, { durable: true, arguments: { 'x-queue-type': 'stream' } });
    queues.push(stream);
    await eventually('the stream in the management API', async () => {
      const request = managementRequest(`api/queues/%2F/${encodeURIComponent(stream)}`);
      const body = (await (await fetch(request.url, { headers: request.headers })).json()) as { type?: string; messages_ready?: number };
      return body.type === 'stream' && typeof body.messages_ready === 'number' ? true : undefined;
    });
    const globbed = await createSource({ managementUrl: services.rabbitmqManagementUrl, queues: [`${prefix}.*`] });
    expect((await poll(globbed)).map((reading) => reading.group).sort()).toEqual([a, b]);

    const named = await createSource({ managementUrl: services.rabbitmqManagementUrl, queues: [other] });
    expect((await poll(named)).map((reading) => reading.group)).toEqual([other]);
  }, 60_000);

  it('fails with a clear error when the API is unreachable or refuses the credentials', async () => {
    const port = await closedPort();
    await expect(RabbitMqLagSource.create({ managementUrl: `http://guest:guest@127.0.0.1:${port}` })).rejects.toThrow(
      new RegExp(`RabbitMQ management API at http://127\\.0\\.0\\.1:${port} is unreachable: .*ECONNREFUSED`),
    );
    const wrong = new URL(services.rabbitmqManagementUrl);
    wrong.username = 'causeway-nobody';
    wrong.password = 'wrong';
    await expect(RabbitMqLagSource.create({ managementUrl: wrong.toString() })).rejects.toThrow(/HTTP 401 \(credentials refused\)/);
    await expect(RabbitMqLagSource.create({})).rejects.toThrow('needs an AMQP URL or a management URL');
  });
});

describe('RabbitMqLagSource over AMQP (passive declares)', () => {
  it('reads ready and consumers of named queues and skips a missing one without losing the others', async () => {
    const first = await declareQueue(uniqueName('cw-lag-amqp'));
    const second = await declareQueue(uniqueName('cw-lag-amqp'));
    const missing = uniqueName('cw-lag-missing');
    await publish(first, 4, 1_700_000_000);
    await publish(second, 1, 1_700_000_000);
    await holdingConsumer(second, 1);

    const source = await createSource({ amqpUrl: services.amqpUrl, queues: [missing, first, second], cluster: 'test' });
    // Twice: the channel the missing queue closed must be reopened for the next poll.
    for (let round = 0; round < 2; round++) {
      const readings = await eventually('the consumer to take its message', async () => {
        const found = await poll(source);
        return byQueue(found, second)?.partitions[0]?.queue?.ready === 0 ? found : undefined;
      });
      expect(readings.map((reading) => reading.group)).toEqual([first, second]);
      expect(byQueue(readings, first)).toEqual({
        system: 'rabbitmq',
        cluster: 'test',
        group: first,
        destination: first,
        members: 0,
        partitions: [{ partition: 0, queue: { ready: 4, unacked: 0 } }],
      });
      expect(byQueue(readings, second)?.members).toBe(1);
    }
    expect(debugLines).toContainEqual(expect.objectContaining({ queue: missing, code: 404 }));
  });

  it('checks discovered queues that pass the globs', async () => {
    const prefix = uniqueName('cw-lag-disc');
    const a = await declareQueue(`${prefix}.a`);
    const b = await declareQueue(`${prefix}.b`);
    const unrelated = await declareQueue(uniqueName('cw-lag-unrelated'));
    await publish(b, 3, 1_700_000_000);
    let calls = 0;
    const source = await createSource({
      amqpUrl: services.amqpUrl,
      queues: [`${prefix}.*`],
      discoverQueues: async () => {
        calls++;
        return [a, b, unrelated, `${prefix}.gone`];
      },
    });
    const readings = await poll(source);
    expect(readings.map((reading) => [reading.group, reading.partitions[0]?.queue?.ready])).toEqual([
      [a, 0],
      [b, 3],
    ]);
    await poll(source);
    expect(calls).toBe(2);

    // Without any filter every discovered queue is checked.
    const unfiltered = await createSource({ amqpUrl: services.amqpUrl, discoverQueues: () => [unrelated] });
    expect((await poll(unfiltered)).map((reading) => reading.group)).toEqual([unrelated]);
  });

  it('with both URLs, declares discovered queues the management listing lacks', async () => {
    const fresh = await declareQueue(uniqueName('cw-lag-fresh'));
    await publish(fresh, 2, 1_700_000_000);
    const missing = uniqueName('cw-lag-missing');
    const source = await createSource({ managementUrl: services.rabbitmqManagementUrl, amqpUrl: services.amqpUrl, discoverQueues: () => [fresh, missing] });
    // Right after the declare the node has not emitted the queue's stats: the AMQP path fills in.
    const readings = await poll(source);
    expect(byQueue(readings, fresh)?.partitions[0]?.queue?.ready).toBe(2);
    expect(byQueue(readings, missing)).toBeUndefined();
    expect(readings.filter((reading) => reading.group === fresh)).toHaveLength(1);
    // Only the AMQP path can have tried (and skipped) the queue that does not exist.
    expect(debugLines).toContainEqual(expect.objectContaining({ queue: missing, code: 404 }));
  });

  it('reconnects on the next poll after the broker closed its connection', async () => {
    const queue = await declareQueue(uniqueName('cw-lag-reconnect'));
    await publish(queue, 1, 1_700_000_000);
    const connectionName = uniqueName('cw-lag-conn');
    const source = await createSource({ amqpUrl: services.amqpUrl, queues: [queue], connectionName });
    expect(await poll(source)).toHaveLength(1);
    const before = await eventually('the source connection in the management API', async () => (await connectionsNamed(connectionName))[0]);
    const management = managementRequest(`api/connections/${encodeURIComponent(before)}`);
    const closed = await fetch(management.url, { method: 'DELETE', headers: { ...management.headers, 'x-reason': 'lag source test' } });
    expect(closed.status).toBe(204);

    // A poll racing the close may fail; a later one connects again and reads the queue.
    const readings = await eventually('a poll on a new connection', async () => {
      const found = await poll(source).catch(() => undefined);
      return found?.length === 1 ? found : undefined;
    });
    expect(readings[0]?.partitions[0]?.queue?.ready).toBe(1);
    await eventually('a new connection', async () => {
      const names = await connectionsNamed(connectionName);
      return names.length === 1 && names[0] !== before ? true : undefined;
    }, 30_000);
  }, 60_000);

  it('fails with a clear error when the broker is unreachable, and after close', async () => {
    const port = await closedPort();
    await expect(RabbitMqLagSource.create({ amqpUrl: `amqp://guest:guest@127.0.0.1:${port}` })).rejects.toThrow(
      new RegExp(`RabbitMQ at amqp://guest:\\*\\*\\*@127\\.0\\.0\\.1:${port} is unreachable: .*ECONNREFUSED`),
    );
    await expect(RabbitMqLagSource.create({ amqpUrl: 'http://127.0.0.1:5672' })).rejects.toThrow('must be amqp:// or amqps://');
    const queue = await declareQueue(uniqueName('cw-lag-closed'));
    const source = await createSource({ amqpUrl: services.amqpUrl, queues: [queue] });
    const aborted = new AbortController();
    aborted.abort(new Error('interval over'));
    await expect(source.poll(aborted.signal)).rejects.toThrow('interval over');
    await source.close();
    await expect(poll(source)).rejects.toThrow('is closed');
  });
});
