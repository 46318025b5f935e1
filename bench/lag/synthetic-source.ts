/**
 * A SYNTHETIC offset source for the lag benchmark: no broker, a deterministic model of a Kafka
 * cluster with many groups, each consuming its own share of topics. Every cycle the producers
 * advance the logs and each group behaves according to its profile, so the evaluator's window sees
 * the mix it sees in production: most groups healthy, some falling behind, stopped, abandoned
 * (no members) or rewinding, and some topics idle.
 */
import type { GroupReading, PartitionReading } from '../../collector/src/lag/types.js';
import { seededRandom } from '../lib/stats.js';

export type GroupProfile = 'healthy' | 'lagging' | 'stopped' | 'empty' | 'rewinding' | 'stalled';

/** Share of groups per profile (the rest are healthy). */
const PROFILE_SHARES: Array<[GroupProfile, number]> = [
  ['lagging', 0.08],
  ['stopped', 0.04],
  ['empty', 0.02],
  ['rewinding', 0.01],
  ['stalled', 0.01],
];
/** Groups per topic: several groups read the same topic partitions (their log histories are shared). */
const GROUPS_PER_TOPIC = 4;
/** One topic in ten receives nothing: idle partitions must stay cheap and OK. */
const IDLE_TOPIC_SHARE = 0.1;

interface GroupModel {
  name: string;
  topic: number;
  profile: GroupProfile;
  committed: Float64Array;
  commits: Float64Array;
}

export class SyntheticOffsetSource {
  readonly groups: number;
  readonly partitions: number;
  private readonly topicsLogEnd: Float64Array[];
  private readonly topicRates: Float64Array;
  private readonly models: GroupModel[];
  private readonly random = seededRandom(20_260_415);
  private cycle = 0;

  constructor(groups: number, partitions: number) {
    this.groups = groups;
    this.partitions = partitions;
    const topics = Math.ceil(groups / GROUPS_PER_TOPIC);
    this.topicsLogEnd = Array.from({ length: topics }, () => new Float64Array(partitions).fill(1_000_000));
    this.topicRates = Float64Array.from({ length: topics }, () => (this.random() < IDLE_TOPIC_SHARE ? 0 : 50 + Math.floor(this.random() * 5_000)));
    this.models = Array.from({ length: groups }, (_, index) => ({
      name: `synthetic-group-${index}`,
      topic: index % topics,
      profile: this.pickProfile(),
      committed: new Float64Array(partitions).fill(1_000_000),
      commits: new Float64Array(partitions),
    }));
  }

  /** How many groups follow each profile. */
  profileCounts(): Record<GroupProfile, number> {
    const counts: Record<GroupProfile, number> = { healthy: 0, lagging: 0, stopped: 0, empty: 0, rewinding: 0, stalled: 0 };
    for (const model of this.models) counts[model.profile] += 1;
    return counts;
  }

  /** Advances the model by one poll interval and returns what an admin-API source would read. */
  poll(): GroupReading[] {
    this.cycle += 1;
    for (let topic = 0; topic < this.topicsLogEnd.length; topic += 1) {
      const ends = this.topicsLogEnd[topic] as Float64Array;
      const rate = this.topicRates[topic] as number;
      if (rate === 0) continue;
      for (let p = 0; p < ends.length; p += 1) ends[p] = (ends[p] as number) + Math.floor(rate * (0.8 + 0.4 * this.random()));
    }
    const readings: GroupReading[] = [];
    for (const model of this.models) {
      const ends = this.topicsLogEnd[model.topic] as Float64Array;
      const partitions: PartitionReading[] = [];
      for (let p = 0; p < this.partitions; p += 1) {
        const logEnd = ends[p] as number;
        this.advance(model, p, logEnd);
        partitions.push({
          partition: p,
          offsets: { committed: model.committed[p] as number, logStart: 1_000_000, logEnd },
          commits: model.commits[p] as number,
        });
      }
      readings.push({
        system: 'kafka',
        cluster: 'synthetic',
        group: model.name,
        destination: `synthetic-topic-${model.topic}`,
        members: model.profile === 'empty' ? 0 : 3,
        partitions,
      });
    }
    return readings;
  }

  private advance(model: GroupModel, p: number, logEnd: number): void {
    const committed = model.committed[p] as number;
    switch (model.profile) {
      case 'healthy':
        model.committed[p] = Math.max(committed, logEnd - Math.floor(this.random() * 20));
        model.commits[p] = (model.commits[p] as number) + 1;
        return;
      case 'lagging':
        model.committed[p] = committed + Math.floor((logEnd - committed) * 0.3);
        model.commits[p] = (model.commits[p] as number) + 1;
        return;
      case 'stalled':
        model.commits[p] = (model.commits[p] as number) + 1;
        return;
      case 'rewinding':
        // Reset to the log start every 15 polls, then work the backlog off over a few polls.
        model.committed[p] = this.cycle % 15 === 0 ? 1_000_000 : committed + Math.ceil((logEnd - committed) * 0.4);
        model.commits[p] = (model.commits[p] as number) + 1;
        return;
      case 'stopped':
      case 'empty':
        return;
    }
  }

  private pickProfile(): GroupProfile {
    let roll = this.random();
    for (const [profile, share] of PROFILE_SHARES) {
      if (roll < share) return profile;
      roll -= share;
    }
    return 'healthy';
  }
}
