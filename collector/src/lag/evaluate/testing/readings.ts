/** Builders of source readings for the evaluator's tests. */
import type { GroupReading, OffsetReading, QueueReading } from '../../types.js';
import type { LagEvaluator } from '../evaluator.js';

export interface KafkaPartitionInput extends Partial<OffsetReading> {
  partition: number;
  logEnd: number;
  commits?: number;
}

export function kafkaReading(input: { group?: string; destination?: string; cluster?: string; members?: number; partitions: KafkaPartitionInput[] }): GroupReading {
  return {
    system: 'kafka',
    cluster: input.cluster ?? 'default',
    group: input.group ?? 'billing',
    destination: input.destination ?? 'orders',
    members: input.members ?? 1,
    partitions: input.partitions.map(({ partition, commits, committed, logStart, logEnd }) => {
      const offsets: OffsetReading = { logStart: logStart ?? 0, logEnd };
      if (committed !== undefined) offsets.committed = committed;
      return commits === undefined ? { partition, offsets } : { partition, offsets, commits };
    }),
  };
}

export function queueReading(input: { group?: string; destination?: string; members?: number; queue: QueueReading }): GroupReading {
  return {
    system: 'rabbitmq',
    cluster: 'default',
    group: input.group ?? 'mailer',
    destination: input.destination ?? 'emails',
    members: input.members ?? 1,
    partitions: [{ partition: 0, queue: input.queue }],
  };
}

/** Evaluates one reading per poll and returns the single group's status after each. */
export function statusesOf(evaluator: LagEvaluator, readings: Array<{ at: number; reading: GroupReading }>, source = 'test') {
  return readings.map(({ at, reading }) => {
    const result = evaluator.evaluate(source, [reading], at);
    const group = result.groups[0];
    if (!group) throw new Error('no group status');
    return group;
  });
}

/** Deterministic noise for scenario tests. */
export { seededRandom as seeded } from '../../../../../test/support/random.js';
