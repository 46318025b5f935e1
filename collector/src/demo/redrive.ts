/**
 * Redrive for the demo's in-process broker, so `causeway start --demo --admin-token …` can redrive
 * its dead letters like a real broker's: the dead letter is taken off `<topic>.<group>.dlq` and
 * delivered again to the one consumer group that failed it (the topic's other groups handled it).
 */
import { eventIdsOf, keepsHeader } from '../redrive/headers.js';
import type { BrokerRedriveContext, BrokerRedriver, JobOutcome, RedriveJob, RedriveTarget } from '../redrive/broker.js';
import { RATE_LIMITED } from '../redrive/broker.js';
import type { DeadLetterQueueLookup } from '../redrive/rabbitmq-dead-letter-queue.js';
import { DEAD_LETTER_HEADERS, type InProcessBroker } from './broker/index.js';

const BROKER_DEAD_LETTER_HEADERS = new Set<string>(Object.values(DEAD_LETTER_HEADERS));

export class InProcessRedriver implements BrokerRedriver {
  constructor(private readonly broker: InProcessBroker) {}

  async redrive(deadLetterQueue: string, jobs: RedriveJob[], context: BrokerRedriveContext): Promise<JobOutcome[]> {
    const dlq = this.broker.groupQueueOf(deadLetterQueue, deadLetterQueue);
    const outcomes: JobOutcome[] = [];
    for (const job of jobs) {
      const { origin } = job.record;
      const target: RedriveTarget = { system: 'in-process', destination: origin.destination };
      const message = dlq?.findReady((candidate) => eventIdsOf(candidate.headers).includes(job.record.eventId));
      if (!message) {
        outcomes.push({ result: 'skipped', detail: 'message no longer in the dead-letter queue' });
        continue;
      }
      if (!this.broker.groupQueueOf(origin.destination, origin.group)) {
        outcomes.push({ result: 'failed', detail: `consumer group "${origin.group}" of "${origin.destination}" does not exist`, target });
        continue;
      }
      if (context.dryRun) {
        outcomes.push({ result: 'would-republish', target });
        continue;
      }
      if (!(await context.permit())) {
        outcomes.push({ ...RATE_LIMITED, target });
        continue;
      }
      const span = context.stamp(job, target);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(message.headers)) {
        if (keepsHeader(name) && !BROKER_DEAD_LETTER_HEADERS.has(name)) headers[name] = value;
      }
      dlq!.takeReady(message.id);
      this.broker.publishToGroup(origin.destination, origin.group, { headers: { ...headers, ...span.headers }, body: message.body });
      span.end();
      outcomes.push({ result: 'republished', target });
    }
    return outcomes;
  }

  /** The broker belongs to the demo, which closes it. */
  async close(): Promise<void> {}
}

/** The demo broker names a group's dead-letter queue itself. */
export function inProcessDeadLetterQueues(broker: InProcessBroker): DeadLetterQueueLookup {
  return {
    queuesFor: async ({ origin }) => {
      const queue = broker.deadLetterQueueOf(origin.destination, origin.group);
      return queue ? [queue] : [];
    },
  };
}
