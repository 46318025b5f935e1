/**
 * `/topology`: which services publish to which destinations and who consumes them, for the
 * selected time range. Refreshes every 30 s unless the URL says otherwise; the clicked edge is in
 * the URL (`edge=`) so its event list can be linked. Consumer edges also show the group's current
 * lag when the collector's lag monitor has a status for it.
 */
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { getLagStatus, getTopology } from '../../api/queries';
import { AutoRefreshControl } from '../../components/AutoRefreshControl';
import { Empty, ErrorMessage, Loading } from '../../components/States';
import { TimeRangePicker } from '../../components/TimeRangePicker';
import { useApi } from '../../hooks/useApi';
import { useLayoutEngineWarmUp } from '../../hooks/elk-engine';
import { useTimeSettings } from '../../hooks/useTimeSettings';
import { lagByEdge, type EdgeLag } from '../../model/lag-topology';
import { resolveTimeRange } from '../../model/time-range';
import { buildTopologyGraph } from '../../model/topology-graph';
import { EdgeEvents } from './EdgeEvents';
import { TopologyGraph } from './TopologyGraph';

export function TopologyPage() {
  const [params, setParams] = useSearchParams();
  const time = useTimeSettings('30s');
  const topology = useApi((signal) => getTopology(resolveTimeRange(time.range, Date.now()), signal), time.range, { refreshMs: time.refreshMs });
  useLayoutEngineWarmUp();
  const graph = useMemo(() => {
    if (!topology.data) return undefined;
    const rangeMs = Date.parse(topology.data.to) - Date.parse(topology.data.from);
    return buildTopologyGraph(topology.data, rangeMs);
  }, [topology.data]);
  // Lag decorates the map: a collector without the lag API (or with it failing) still draws it.
  const lagStatus = useApi((signal) => getLagStatus(signal), 'lag-status', { refreshMs: time.refreshMs });
  const edgeLag = useMemo(() => {
    if (!graph || !lagStatus.data) return new Map<string, EdgeLag>();
    const names = new Map(graph.nodes.map((node) => [node.id, node.name]));
    return lagByEdge(graph.edges, (id) => names.get(id), lagStatus.data.groups);
  }, [graph, lagStatus.data]);

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
        <p className="legend">Services publish to topics and queues (left), consumers read from them (right). Edge labels: throughput, error rate, p99 latency, and current consumer lag where the collector polls the broker — select one to list its events.</p>
        {topology.error && !topology.data && <ErrorMessage error={topology.error} what="topology" onRetry={topology.reload} />}
        {!topology.data && !topology.error && <Loading what="topology" />}
        {graph && graph.nodes.length === 0 && <Empty>No messages were published or consumed in this time range.</Empty>}
        {graph && graph.nodes.length > 0 && <TopologyGraph graph={graph} edgeLag={edgeLag} selectedEdgeId={selectedEdgeId} onSelectEdge={setEdge} />}
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
