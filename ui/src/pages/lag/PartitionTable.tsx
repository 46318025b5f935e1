/** Current values per partition (Kafka) or queue, with the peak in the range: the charts in text. */
import type { GroupStatusView } from '../../api/schemas';
import { LagStatusBadge } from '../../components/LagStatusBadge';
import { formatCount, formatDrain, formatLagSeconds } from '../../model/lag-format';
import { seriesKey } from '../../model/lag-series';

interface PartitionTableProps {
  statuses: readonly GroupStatusView[];
  /** Peak lag per `seriesKey`, when the series have loaded. */
  peaks: ReadonlyMap<string, number> | undefined;
}

export function PartitionTable({ statuses, peaks }: PartitionTableProps) {
  const withCluster = statuses.length > 1;
  const queues = statuses.every((status) => status.system !== 'kafka');
  const rows = statuses
    .flatMap((status) => status.partitions.map((partition) => ({ status, partition })))
    .sort(
      (a, b) =>
        a.status.cluster.localeCompare(b.status.cluster) ||
        a.partition.destination.localeCompare(b.partition.destination) ||
        a.partition.partition - b.partition.partition,
    );
  if (rows.length === 0) return <p className="muted small">No partitions or queues reported for this group yet.</p>;
  return (
    <div className="table-scroll">
      <table className="data-table">
        <caption className="visually-hidden">Current lag per {queues ? 'queue' : 'partition'}</caption>
        <thead>
          <tr>
            {withCluster && <th scope="col">Cluster</th>}
            <th scope="col">{queues ? 'Queue' : 'Topic'}</th>
            {!queues && <th scope="col">Partition</th>}
            <th scope="col">Status</th>
            <th scope="col" className="number">
              Lag (messages)
            </th>
            <th scope="col" className="number">
              Peak in range
            </th>
            <th scope="col" className="number">
              Lag (time)
            </th>
            <th scope="col" className="number">
              Time to drain
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ status, partition }) => {
            const peak = peaks?.get(seriesKey({ cluster: status.cluster, destination: partition.destination, partition: partition.partition }));
            return (
              <tr
                key={`${status.cluster}|${partition.destination}|${partition.partition}`}
                data-testid="lag-partition-row"
                data-destination={partition.destination}
                data-partition={partition.partition}
                data-status={partition.status}
              >
                {withCluster && <td>{status.cluster}</td>}
                <td>{partition.destination}</td>
                {!queues && <td className="number">{partition.partition}</td>}
                <td>
                  <LagStatusBadge status={partition.status} reason={partition.reason} />
                  <div className="lag-reason">
                    {partition.reason}
                    {partition.noCommit && <span className="muted"> · never committed: counted from the log start</span>}
                  </div>
                </td>
                <td className="number">{formatCount(partition.lag)}</td>
                <td className="number">{peak === undefined ? '–' : formatCount(peak)}</td>
                <td className="number">{formatLagSeconds(partition.lagSeconds)}</td>
                <td className="number">{formatDrain(partition.drainSeconds, partition.lag)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
