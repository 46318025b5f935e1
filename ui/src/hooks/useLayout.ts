/** Runs the left-to-right layout whenever the drawn nodes or edges change. */
import { useEffect, useState } from 'react';
import { layoutLeftToRight, type EdgeRoute, type LayoutEdge, type LayoutNode, type LayoutSpacing, type Positions } from '../model/layout';
import { layoutEngine } from './elk-engine';

export interface LayoutState {
  positions: Positions | undefined;
  /** Each edge's route, and its label's centre when it has one; undefined until the layout is ready. */
  routes: ReadonlyMap<string, EdgeRoute> | undefined;
  error: Error | undefined;
}

export function useLayout(nodes: readonly LayoutNode[], edges: readonly LayoutEdge[], spacing?: LayoutSpacing): LayoutState {
  const [state, setState] = useState<LayoutState & { key: string }>({ positions: undefined, routes: undefined, error: undefined, key: '' });
  const betweenLayers = spacing?.betweenLayers;
  const withinLayer = spacing?.withinLayer;
  const wrapToAspectRatio = spacing?.wrapToAspectRatio;
  const key = JSON.stringify([nodes.map((n) => [n.id, n.width, n.height]), edges.map((e) => [e.id, e.source, e.target, e.label?.width, e.label?.height]), betweenLayers, withinLayer, wrapToAspectRatio]);

  useEffect(() => {
    let current = true;
    layoutLeftToRight(layoutEngine(), nodes, edges, { betweenLayers, withinLayer, wrapToAspectRatio }).then(
      ({ positions, routes }) => current && setState({ positions, routes, error: undefined, key }),
      (error: unknown) =>
        current && setState({ positions: undefined, routes: undefined, error: error instanceof Error ? error : new Error(String(error)), key }),
    );
    return () => {
      current = false;
    };
    // `key` stands for the nodes and edges: new arrays with the same content need no new layout.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  // Positions of an earlier graph are kept until the new layout is ready, so the view does not blink.
  return { positions: state.positions, routes: state.routes, error: state.error };
}
