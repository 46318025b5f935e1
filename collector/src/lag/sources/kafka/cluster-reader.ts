/**
 * One poll's reads from a Kafka cluster through the kafkajs admin client, batched and bounded:
 * groups are described 100 at a time, committed offsets are fetched per group (one OffsetFetch for
 * all of a group's topics), and log start/end offsets once per topic, shared by all its groups.
 * Groups or topics that vanish mid-poll are skipped; the poll only fails when a whole step fails.
 */
import { AssignerProtocol, type Admin, type GroupDescription } from 'kafkajs';
import { errorMessage, settleBounded, throwIfAborted, type Settled } from './bounded.js';

export const DESCRIBE_BATCH_SIZE = 100;

export interface ReadLog {
  warn(obj: object, msg?: string): void;
  debug?(obj: object, msg?: string): void;
}

export interface GroupState {
  members: number;
  /** Topics assigned to members (classic consumer protocol), so groups that never committed still show. */
  assignedTopics: Set<string>;
}

export interface TopicOffsets {
  /** Sorted by partition. */
  partitions: Array<{ partition: number; logStart: number; logEnd: number }>;
}

export interface ClusterSnapshot {
  groups: Map<string, GroupState>;
  /** group → topic → partition → committed offset (only partitions with a commit). */
  committed: Map<string, Map<string, Map<number, number>>>;
  topics: Map<string, TopicOffsets>;
  /** Groups and topics skipped because the cluster said they no longer exist. */
  skippedAsGone: number;
}

export interface ReadParams {
  groupIds: readonly string[];
  existingTopics: ReadonlySet<string>;
  concurrency: number;
  signal: AbortSignal;
  log: ReadLog;
  /** Told before each topic's offsets are fetched (kafkajs then keeps that topic in its metadata). */
  onTopicTargeted(topic: string): void;
}

/** Errors that mean "this group or topic is gone", expected when things are deleted mid-poll. */
const GONE_ERRORS = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'GROUP_ID_NOT_FOUND', 'INVALID_GROUP_ID', 'UNKNOWN_TOPIC_ID']);

export async function readCluster(admin: Admin, params: ReadParams): Promise<ClusterSnapshot> {
  const failures = new FailureTally(params.log);
  const groups = await describeGroups(admin, params, failures);
  throwIfAborted(params.signal, 'Kafka lag poll');

  const liveGroups = [...groups.keys()];
  const offsetResults = await settleBounded(liveGroups, params.concurrency, params.signal, (groupId) => admin.fetchOffsets({ groupId }));
  throwIfAborted(params.signal, 'Kafka lag poll');
  failures.throwIfAllFailed(offsetResults, 'fetching committed offsets');

  const committed = new Map<string, Map<string, Map<number, number>>>();
  const wantedTopics = new Set<string>();
  offsetResults.forEach((result, index) => {
    const groupId = liveGroups[index] as string;
    if (!result.ok) {
      failures.add(result.error, { group: groupId }, 'skipping a group whose committed offsets could not be read');
      groups.delete(groupId);
      return;
    }
    const byTopic = new Map<string, Map<number, number>>();
    for (const { topic, partitions } of result.value) {
      const byPartition = new Map<number, number>();
      for (const { partition, offset } of partitions) {
        const value = Number(offset);
        // -1: no commit on this partition (OffsetFetch returns it when asked about a partition).
        if (Number.isSafeInteger(value) && value >= 0) byPartition.set(partition, value);
      }
      if (byPartition.size > 0) {
        byTopic.set(topic, byPartition);
        wantedTopics.add(topic);
      }
    }
    committed.set(groupId, byTopic);
    for (const topic of groups.get(groupId)?.assignedTopics ?? []) wantedTopics.add(topic);
  });

  const topicList = [...wantedTopics].filter((topic) => params.existingTopics.has(topic));
  const topicResults = await settleBounded(topicList, params.concurrency, params.signal, (topic) => {
    params.onTopicTargeted(topic);
    return admin.fetchTopicOffsets(topic);
  });
  throwIfAborted(params.signal, 'Kafka lag poll');
  failures.throwIfAllFailed(topicResults, 'fetching topic offsets');

  const topics = new Map<string, TopicOffsets>();
  topicResults.forEach((result, index) => {
    const topic = topicList[index] as string;
    if (!result.ok) {
      failures.add(result.error, { topic }, 'skipping a topic whose offsets could not be read');
      return;
    }
    const partitions = result.value
      .map(({ partition, low, high }) => ({ partition, logStart: Number(low), logEnd: Number(high) }))
      .filter((p) => Number.isSafeInteger(p.logStart) && Number.isSafeInteger(p.logEnd))
      .sort((a, b) => a.partition - b.partition);
    topics.set(topic, { partitions });
  });
  failures.report();
  return { groups, committed, topics, skippedAsGone: failures.gone };
}

async function describeGroups(admin: Admin, params: ReadParams, failures: FailureTally): Promise<Map<string, GroupState>> {
  const batches: string[][] = [];
  for (let i = 0; i < params.groupIds.length; i += DESCRIBE_BATCH_SIZE) batches.push(params.groupIds.slice(i, i + DESCRIBE_BATCH_SIZE));
  // Each batch fans out into one FindCoordinator per group inside kafkajs, so fewer batches run at once.
  const batchLimit = Math.max(1, Math.ceil(params.concurrency / 4));
  const batchResults = await settleBounded(batches, batchLimit, params.signal, (batch) => admin.describeGroups(batch));
  throwIfAborted(params.signal, 'Kafka lag poll');

  const descriptions: GroupDescription[] = [];
  const retryOneByOne: string[] = [];
  batchResults.forEach((result, index) => {
    if (result.ok) descriptions.push(...result.value.groups);
    // kafkajs rejects a whole batch when one group in it has an error: find the culprit alone.
    else retryOneByOne.push(...(batches[index] ?? []));
  });
  if (retryOneByOne.length > 0) {
    const single = await settleBounded(retryOneByOne, params.concurrency, params.signal, (groupId) => admin.describeGroups([groupId]));
    throwIfAborted(params.signal, 'Kafka lag poll');
    failures.throwIfAllFailed(single, 'describing groups', descriptions.length === 0);
    single.forEach((result, index) => {
      if (result.ok) descriptions.push(...result.value.groups);
      else failures.add(result.error, { group: retryOneByOne[index] }, 'skipping a group that could not be described');
    });
  }

  const groups = new Map<string, GroupState>();
  for (const description of descriptions) {
    // Dead: the group was deleted (or expired) since it was listed; it has no offsets left.
    if (description.state === 'Dead') continue;
    groups.set(description.groupId, { members: description.members.length, assignedTopics: assignedTopics(description) });
  }
  return groups;
}

function assignedTopics(description: GroupDescription): Set<string> {
  const topics = new Set<string>();
  // Only the classic consumer protocol's assignments have a layout we know; Connect and others differ.
  if (description.protocolType !== 'consumer') return topics;
  for (const member of description.members) {
    try {
      const decoded = AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
      for (const topic of Object.keys(decoded?.assignment ?? {})) topics.add(topic);
    } catch {
      // A member with an assignment we cannot decode still counts as a member.
    }
  }
  return topics;
}

/** Skipped items of one poll: each at debug, one warning per poll for failures other than deletions. */
class FailureTally {
  gone = 0;
  private unexpected = 0;
  private firstUnexpected: string | undefined;

  constructor(private readonly log: ReadLog) {}

  add(error: unknown, subject: object, msg: string): void {
    this.log.debug?.({ ...subject, err: errorMessage(error) }, msg);
    if (isGone(error)) {
      this.gone += 1;
      return;
    }
    this.unexpected += 1;
    this.firstUnexpected ??= errorMessage(error);
  }

  /** A step where every request failed means the cluster, not one group or topic, is the problem. */
  throwIfAllFailed(results: ReadonlyArray<Settled<unknown>>, step: string, condition = true): void {
    if (!condition || results.length === 0 || results.some((r) => r.ok)) return;
    // Everything deleted since it was listed is not an outage.
    const first = results.find((r): r is { ok: false; error: unknown } => !r.ok && !isGone(r.error));
    if (!first) return;
    throw new Error(`${step} failed for all ${results.length}: ${errorMessage(first.error)}`, { cause: first.error });
  }

  report(): void {
    if (this.unexpected > 0) this.log.warn({ skipped: this.unexpected, err: this.firstUnexpected }, 'Kafka lag poll skipped groups or topics it could not read');
  }
}

/** Whether `error` (or one of its causes) says a group or topic no longer exists. */
export function isGone(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const type = (e as { type?: unknown }).type;
    if (typeof type === 'string' && GONE_ERRORS.has(type)) return true;
  }
  return false;
}
