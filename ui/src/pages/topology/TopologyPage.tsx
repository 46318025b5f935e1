/**
 * `/topology`: which services publish to which destinations and who consumes them, for the
 * selected time range. Refreshes every 30 s unless the URL says otherwise; the clicked edge is in
 * the URL (`edge=`) so its event list can be linked.
 */
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { getTopology } from '../../api/queries';
import { AutoRefreshControl } from '../../components/AutoRefreshControl';
import { Empty, ErrorMessage, Loading } from '../../components/States';
import { TimeRangePicker } from '../../components/TimeRangePicker';
import { useApi } from '../../hooks/useApi';
import { useTimeSettings } from '../../hooks/useTimeSettings';
import { resolveTimeRange } from '../../model/time-range';
import { buildTopologyGraph } from '../../model/topology-graph';
import { EdgeEvents } from './EdgeEvents';
import { TopologyGraph } from './TopologyGraph';

export function TopologyPage() {
  const [params, setParams] = useSearchParams();
  const time = useTimeSettings('30s');
  const topology = useApi((signal) => getTopology(resolveTimeRange(time.range, Date.now()), signal), time.range, { refreshMs: time.refreshMs });
  const graph = useMemo(() => {
    if (!topology.data) return undefined;
    const rangeMs = Date.parse(topology.data.to) - Date.parse(topology.data.from);
    return buildTopologyGraph(topology.data, rangeMs);
  }, [topology.data]);

  const selectedEdgeId = params.get('edge');
  const selectedEdge = graph?.edges.find((edge) => edge.id === selectedEdgeId);
  const setEdge = useCallback(
    (id: string | null) =>
      setParams((current) => {
        const next = new URLSearchParams(current);
        if (id) next.set('edge', id);
        else next.delete('edge');
        return next;
      }),
    [setParams],
  );
  const lineageSearch = useMemo(() => {
    const next = new URLSearchParams(params);
    next.delete('edge');
    next.delete('refresh');
    const text = next.toString();
    return text ? `?${text}` : '';
  }, [params]);

  return (
    <div className={`topology-page${selectedEdge ? ' with-panel' : ''}`}>
      <div className="page-toolbar">
        <h1>Topology</h1>
        <TimeRangePicker range={time.range} onChange={time.setRange} />
        <AutoRefreshControl refreshMs={time.refreshMs} onChange={time.setRefreshMs} loading={topology.loading} />
        {topology.error && topology.data && (
          <span className="error-text small" role="status">
            Refresh failed: {topology.error.message}
          </span>
        )}
      </div>
      <main className="graph-area">
        <p className="legend">Services publish to topics and queues (left), consumers read from them (right). Edge labels: throughput, error rate, p99 latency — select one to list its events.</p>
        {topology.error && !topology.data && <ErrorMessage error={topology.error} what="topology" onRetry={topology.reload} />}
        {!topology.data && !topology.error && <Loading what="topology" />}
        {graph && graph.nodes.length === 0 && <Empty>No messages were published or consumed in this time range.</Empty>}
        {graph && graph.nodes.length > 0 && <TopologyGraph graph={graph} selectedEdgeId={selectedEdgeId} onSelectEdge={setEdge} />}
      </main>
      {selectedEdge && graph && topology.data && (
        <EdgeEvents
          key={selectedEdge.id}
          edge={selectedEdge}
          nodes={graph.nodes}
          range={{ from: topology.data.from, to: topology.data.to }}
          linkSearch={lineageSearch}
          onClose={() => setEdge(null)}
        />
      )}
    </div>
  );
}
