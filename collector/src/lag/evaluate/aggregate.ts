/**
 * From partition verdicts to a group's status: the worst partition decides (STATUS_SEVERITY; on a
 * tie the larger lag, then the first in order), its reason is prefixed with where it is
 * ("orders/3: …", or "orders: …" for a queue). When everything is OK for the same reason
 * ("caught up"), the reason goes unprefixed: naming one partition would suggest it is special.
 * Lag adds up; lag in seconds is the maximum; drain time is the maximum too, but undefined as soon
 * as one lagging partition is not draining (the group as a whole then never catches up).
 */
import { STATUS_SEVERITY, type DestinationLag, type GroupStatus, type LagSystem, type PartitionStatus } from '../types.js';

export class GroupStatusBuilder {
  members = 0;
  private readonly partitions: PartitionStatus[] = [];

  constructor(
    readonly system: LagSystem,
    readonly cluster: string,
    readonly group: string,
    readonly source: string,
  ) {}

  add(partition: PartitionStatus): void {
    this.partitions.push(partition);
  }

  build(updatedAt: number): GroupStatus {
    const partitions = this.partitions.sort(byDestinationThenPartition);
    const destinations: DestinationLag[] = [];
    for (let start = 0; start < partitions.length; ) {
      let end = start + 1;
      const destination = (partitions[start] as PartitionStatus).destination;
      while (end < partitions.length && (partitions[end] as PartitionStatus).destination === destination) end += 1;
      const slice = partitions.slice(start, end);
      const summary = summarize(slice, (p) => (this.system === 'kafka' ? `partition ${p.partition}` : undefined));
      destinations.push({ destination, ...summary });
      start = end;
    }
    const summary = summarize(partitions, (p) => (this.system === 'kafka' ? `${p.destination}/${p.partition}` : p.destination));
    return {
      system: this.system,
      cluster: this.cluster,
      source: this.source,
      group: this.group,
      members: this.members,
      ...summary,
      destinations,
      partitions,
      updatedAt,
    };
  }
}

type Summary = Pick<DestinationLag, 'status' | 'reason' | 'lag' | 'lagSeconds' | 'drainSeconds'>;

function summarize(partitions: readonly PartitionStatus[], where: (p: PartitionStatus) => string | undefined): Summary {
  const first = partitions[0];
  if (!first) return { status: 'OK', reason: 'no partitions reported', lag: 0, lagSeconds: 0, drainSeconds: 0 };
  let worst = first;
  let lag = 0;
  let lagSeconds: number | undefined;
  let drainSeconds: number | undefined = 0;
  let sameReason = true;
  for (const p of partitions) {
    lag += p.lag;
    if (p.lagSeconds !== undefined) lagSeconds = Math.max(lagSeconds ?? 0, p.lagSeconds);
    if (drainSeconds !== undefined) {
      if (p.drainSeconds !== undefined) drainSeconds = Math.max(drainSeconds, p.drainSeconds);
      else if (p.lag > 0) drainSeconds = undefined;
    }
    if (p.reason !== first.reason) sameReason = false;
    const severity = STATUS_SEVERITY[p.status];
    const worstSeverity = STATUS_SEVERITY[worst.status];
    if (severity > worstSeverity || (severity === worstSeverity && p.lag > worst.lag)) worst = p;
  }
  const place = worst.status === 'OK' && sameReason ? undefined : where(worst);
  const summary: Summary = { status: worst.status, reason: place === undefined ? worst.reason : `${place}: ${worst.reason}`, lag };
  if (lagSeconds !== undefined) summary.lagSeconds = lagSeconds;
  if (drainSeconds !== undefined) summary.drainSeconds = drainSeconds;
  return summary;
}

function byDestinationThenPartition(a: PartitionStatus, b: PartitionStatus): number {
  if (a.destination !== b.destination) return a.destination < b.destination ? -1 : 1;
  return a.partition - b.partition;
}
