/** Topic creation for tests on a freshly started, possibly loaded, KRaft broker. */
import type { Admin } from 'kafkajs';

/**
 * Creates topics and waits until every partition has a leader. kafkajs's own `waitForLeaders`
 * gives up when a loaded KRaft broker answers the first metadata requests with "This server does
 * not host this topic-partition" for a topic it has just created; this keeps asking for up to 30 s.
 */
export async function createTopicsWithLeaders(admin: Admin, topics: Array<{ topic: string; numPartitions: number }>): Promise<void> {
  await admin.createTopics({ topics, waitForLeaders: false });
  const names = topics.map((entry) => entry.topic);
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const { topics: found } = await admin.fetchTopicMetadata({ topics: names });
      const ready = found.length === names.length && found.every((topic) => topic.partitions.length > 0 && topic.partitions.every((partition) => partition.leader >= 0));
      if (ready) return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    if (Date.now() > deadline) throw new Error(`topics ${names.join(', ')} have no leader after 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
