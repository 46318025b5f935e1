/**
 * Fits the viewport to the graph after each new layout (new data, or a fold expanded) and when the
 * canvas changes width (a side panel opens or closes); a refresh that keeps the same layout leaves
 * the user's pan and zoom alone. `focusIds` limits the fit to some nodes: a whole large graph would
 * shrink to unreadable boxes. Render inside <ReactFlow>.
 */
import { useReactFlow, useStore } from '@xyflow/react';
import { useEffect } from 'react';

export function FitViewOnLayout({ positions, focusIds }: { positions: unknown; focusIds?: readonly string[] }) {
  const { fitView } = useReactFlow();
  const canvasWidth = useStore((state) => state.width);
  useEffect(() => {
    if (!positions) return;
    // Next frame: React Flow has taken the new nodes into its store by then.
    const nodes = focusIds?.map((id) => ({ id }));
    const frame = requestAnimationFrame(() => void fitView({ padding: 0.12, maxZoom: 1, ...(nodes ? { nodes } : {}) }));
    return () => cancelAnimationFrame(frame);
  // focusIds is derived from the same data as positions.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [positions, canvasWidth, fitView]);
  return null;
}
