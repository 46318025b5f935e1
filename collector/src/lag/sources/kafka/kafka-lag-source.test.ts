/**
 * The Kafka lag source against the real test Kafka. Every run uses its own topics and groups, and
 * every source here only looks at this run's groups (include globs), since other tests share the cluster.
 */
import { Kafka, logLevel, type Admin, type Consumer, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { services, uniqueName } from '../../../../../test/support/services.js';
import type { GroupReading } from '../../../lag/types.js';
import { KafkaLagSource } from './index.js';
import { createTopicsWithLeaders } from '../../../../../test/support/kafka-topics.js';

const runId = uniqueName('cw-lagsrc');
const topic = `${runId}-orders`;
const partialGroup = `${runId}-partial`;
const activeGroup = `${runId}-active`;
const excludedGroup = `${runId}-excluded`;

const warnings: object[] = [];
const log = { warn: (obj: object) => void warnings.push(obj) };

let kafka: Kafka;
let admin: Admin;
let producer: Producer;
let source: KafkaLagSource;
const extraSources: KafkaLagSource[] = [];

async function poll(from: KafkaLagSource = source): Promise<GroupReading[]> {
  return from.poll(new AbortController().signal);
}

function readingOf(readings: GroupReading[], group: string, destination = topic): GroupReading | undefined {
  return readings.find((r) => r.group === group && r.destination === destination);
}

/** Polls until `check` returns a value; generous deadline, no absolute-time assertions. */
async function pollUntil<T>(what: string, check: (readings: GroupReading[]) => T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: GroupReading[] = [];
  while (Date.now() < deadline) {
    last = await poll();
    const value = check(last);
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`timed out waiting for ${what}; last readings: ${JSON.stringify(last)}`);
}

beforeAll(async () => {
  kafka = new Kafka({ clientId: `${runId}-test`, brokers: services.kafkaBrokers, logLevel: logLevel.NOTHING });
  admin = kafka.admin();
  await admin.connect();
  await createTopicsWithLeaders(admin, [{ topic, numPartitions: 3 }]);
  // Idempotent: a send retried on a loaded broker must not append its messages twice (the offsets below are exact).
  producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const messages = (partition: number, count: number) => Array.from({ length: count }, (_, i) => ({ partition, value: `m${partition}-${i}` }));
  await producer.send({ topic, messages: [...messages(0, 5), ...messages(1, 3), ...messages(2, 4)] });
  // Retention-like truncation: partition 2 now starts at offset 1. kafkajs finds the partition
  // leaders for deleteTopicRecords only once the topic is in its metadata, which this fetch ensures.
  await admin.fetchTopicOffsets(topic);
  await admin.deleteTopicRecords({ topic, partitions: [{ partition: 2, offset: '1' }] });
  // An empty group (no members) that committed on partitions 0 and 1 only. kafkajs's setOffsets
  // joins each group for a few seconds, hence in parallel.
  await Promise.all([
    admin.setOffsets({ groupId: partialGroup, topic, partitions: [{ partition: 0, offset: '2' }, { partition: 1, offset: '1' }] }),
    admin.setOffsets({ groupId: excludedGroup, topic, partitions: [{ partition: 0, offset: '0' }] }),
  ]);
  source = await KafkaLagSource.create({ brokers: services.kafkaBrokers, includeGroups: [`${runId}-*`], excludeGroups: [`${runId}-excl*`], log });
});

afterAll(async () => {
  await Promise.allSettled([source?.close(), ...extraSources.map((s) => s.close()), producer?.disconnect()]);
  await admin?.deleteGroups([partialGroup, activeGroup, excludedGroup]).catch(() => undefined);
  await admin?.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin?.disconnect();
});

describe('KafkaLagSource', () => {
  it('reads committed, log start and log end per partition; a partition never committed on has no committed offset', async () => {
    const readings = await poll();
    expect(source.name).toBe(`kafka:${services.kafkaBrokers[0]}`);
    expect(source.system).toBe('kafka');
    expect(readingOf(readings, partialGroup)).toEqual({
      system: 'kafka',
      cluster: 'default',
      group: partialGroup,
      destination: topic,
      members: 0,
      partitions: [
        { partition: 0, offsets: { committed: 2, logStart: 0, logEnd: 5 }, commits: expect.any(Number) },
        { partition: 1, offsets: { committed: 1, logStart: 0, logEnd: 3 }, commits: expect.any(Number) },
        { partition: 2, offsets: { committed: undefined, logStart: 1, logEnd: 4 }, commits: expect.any(Number) },
      ],
    });
  });

  it('applies include and exclude globs', async () => {
    const readings = await poll();
    expect(readings.every((r) => r.group.startsWith(`${runId}-`))).toBe(true);
    expect(readings.some((r) => r.group === excludedGroup)).toBe(false);
    const narrow = await KafkaLagSource.create({ brokers: services.kafkaBrokers, includeGroups: [`${runId}-p?rtial`], watchCommits: false, log });
    extraSources.push(narrow);
    const narrowReadings = await poll(narrow);
    expect(narrowReadings.map((r) => r.group)).toEqual([partialGroup]);
    // Without a commit watcher, readings carry no commit counts.
    expect(narrowReadings[0]?.partitions.every((p) => p.commits === undefined)).toBe(true);
  });

  it('reports a running group with its members, counts commits that do not move the offset, and keeps the group once empty', async () => {
    const consumer: Consumer = kafka.consumer({ groupId: activeGroup, maxWaitTimeInMs: 200 });
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ autoCommit: false, eachMessage: async () => undefined });
      // Assigned but not yet committed: reported from the assignment, every partition without a commit.
      const assigned = await pollUntil('the running group', (rs) => readingOf(rs, activeGroup));
      expect(assigned.members).toBe(1);

      await consumer.commitOffsets([
        { topic, partition: 0, offset: '4' },
        { topic, partition: 1, offset: '3' },
        { topic, partition: 2, offset: '2' },
      ]);
      const committed = await pollUntil('the commits counted', (rs) => {
        const r = readingOf(rs, activeGroup);
        return r?.partitions[0]?.offsets?.committed === 4 && (r.partitions[0].commits ?? 0) >= 1 ? r : undefined;
      });
      expect(committed.partitions.map((p) => p.offsets)).toEqual([
        { committed: 4, logStart: 0, logEnd: 5 },
        { committed: 3, logStart: 0, logEnd: 3 },
        { committed: 2, logStart: 1, logEnd: 4 },
      ]);
      const before = committed.partitions[0]?.commits ?? 0;

      await consumer.commitOffsets([{ topic, partition: 0, offset: '4' }]);
      const recommitted = await pollUntil('a commit of the same offset counted', (rs) => {
        const p = readingOf(rs, activeGroup)?.partitions[0];
        return p && (p.commits ?? 0) > before ? p : undefined;
      });
      expect(recommitted.offsets?.committed).toBe(4);
    } finally {
      await consumer.disconnect();
    }
    const empty = await pollUntil('the group without members', (rs) => {
      const r = readingOf(rs, activeGroup);
      return r?.members === 0 ? r : undefined;
    });
    expect(empty.partitions.map((p) => p.offsets?.committed)).toEqual([4, 3, 2]);
  });

  it('keeps polling while topics it read are deleted, and drops their readings', async () => {
    // Brokers apply a deletion a little after the controller accepts it, so a poll that lists a
    // topic may have it vanish before its next request: several deletions, each polled while in
    // flight, make that window likely to be hit.
    const doomed = [0, 1, 2].map((i) => ({ topic: `${runId}-doomed-${i}`, group: `${runId}-doomed-group-${i}` }));
    await createTopicsWithLeaders(
      admin,
      doomed.map(({ topic }) => ({ topic, numPartitions: 2 })),
    );
    await Promise.all(doomed.map(({ topic, group }) => admin.setOffsets({ groupId: group, topic, partitions: [{ partition: 0, offset: '0' }] })));
    await pollUntil('the doomed topics', (rs) => (doomed.every(({ topic, group }) => readingOf(rs, group, topic)) ? true : undefined));

    for (const { topic: doomedTopic } of doomed) {
      const deleting = admin.deleteTopics({ topics: [doomedTopic] });
      for (let i = 0; i < 4; i++) {
        expect(readingOf(await poll(), partialGroup)).toBeDefined();
        if (i === 0) await deleting;
      }
    }
    const gone = await pollUntil('the doomed readings gone', (rs) => (doomed.some(({ topic, group }) => readingOf(rs, group, topic)) ? undefined : rs));
    expect(readingOf(gone, partialGroup)).toBeDefined();
    await admin.deleteGroups(doomed.map(({ group }) => group)).catch(() => undefined);
  });

  it('rejects an aborted poll promptly and polls normally afterwards', async () => {
    const aborted = new AbortController();
    aborted.abort();
    await expect(source.poll(aborted.signal)).rejects.toMatchObject({ name: 'AbortError' });

    const midway = new AbortController();
    const pending = source.poll(midway.signal);
    setImmediate(() => midway.abort());
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });

    expect(readingOf(await poll(), partialGroup)).toBeDefined();
  });

  it('rejects a poll against an unreachable cluster with a clear error', async () => {
    const unreachable = await KafkaLagSource.create({
      brokers: ['127.0.0.1:1'],
      cluster: 'nowhere',
      watchCommits: false,
      connectionTimeoutMs: 300,
      retries: 0,
      log: { warn: () => undefined },
    });
    extraSources.push(unreachable);
    expect(unreachable.name).toBe('kafka:nowhere');
    await expect(poll(unreachable)).rejects.toThrow(/Kafka lag poll of kafka:nowhere failed/);
  });

  it('logged no warnings while the cluster was healthy', () => {
    expect(warnings).toEqual([]);
  });
});
