/**
 * Lineage: the causal ancestors and/or descendants of an event, breadth first over the stored
 * causal edges, one store call per level (all ids of the level at once). A diamond or a cycle in
 * the data is visited once per event. The node budget bounds the work and the answer; when it
 * stops the walk the answer says `truncated: true`.
 */
import type { CausalEdgeRecord, Store } from '../store/store.js';
import type { Lineage, LineageDirection, LineageEdge, LineageNode } from '../schemas/lineage.js';
import { eventStatus } from './status.js';
import { deadLetterMarks } from './dead-letter-marks.js';
import { groupBy } from './events.js';
import { iso } from './time.js';

export const DEFAULT_LINEAGE_NODE_BUDGET = 2000;
/** Ids per store call when loading the nodes' events and deliveries. */
const IDS_PER_QUERY = 500;

export interface LineageOptions {
  direction: LineageDirection;
  depth: number;
  maxNodes?: number;
}

/** The lineage of `rootId`, or undefined when nothing at all is known about that event. */
export async function buildLineage(store: Store, rootId: string, options: LineageOptions): Promise<Lineage | undefined> {
  const maxNodes = Math.max(1, options.maxNodes ?? DEFAULT_LINEAGE_NODE_BUDGET);
  const distance = new Map<string, number>([[rootId, 0]]);
  const edges = new Map<string, LineageEdge>();
  let truncated = false;
  let sawEdge = false;

  const walks: Array<'up' | 'down'> = options.direction === 'both' ? ['up', 'down'] : [options.direction];
  for (const walk of walks) {
    const sign = walk === 'up' ? -1 : 1;
    let frontier = [rootId];
    for (let level = 1; level <= options.depth && frontier.length > 0; level++) {
      const inFrontier = new Set(frontier);
      const found = (await store.getEdges(frontier, walk)).sort(byTimeThenId);
      const next: string[] = [];
      for (const edge of found) {
        const [near, far] = walk === 'up' ? [edge.to, edge.from] : [edge.from, edge.to];
        if (!inFrontier.has(near)) continue;
        sawEdge = true;
        if (!distance.has(far)) {
          if (distance.size >= maxNodes) {
            truncated = true;
            continue;
          }
          distance.set(far, sign * level);
          next.push(far);
        }
        edges.set(edge.id, { from: edge.from, to: edge.to, via: edge.via });
      }
      frontier = next;
    }
  }

  const ids = [...distance.keys()];
  const [events, deliveries] = await Promise.all([inChunks(ids, (chunk) => store.getEvents(chunk)), inChunks(ids, (chunk) => store.getDeliveries(chunk))]);
  const eventById = new Map(events.map((e) => [e.id, e]));
  const deliveriesByEvent = groupBy(deliveries, (d) => d.eventId);
  if (!sawEdge && !eventById.has(rootId) && !deliveriesByEvent.has(rootId)) return undefined;
  const deadLettered = await deadLetterMarks(store, deliveries);

  const nodes: LineageNode[] = ids.map((id) => {
    const event = eventById.get(id);
    const own = deliveriesByEvent.get(id) ?? [];
    const consumerType = own.map((d) => d.attributes['causeway.event.type']).find((t): t is string => typeof t === 'string');
    return {
      id,
      type: event?.type ?? consumerType ?? null,
      service: event?.producerService ?? null,
      destination: event?.destination ?? own[0]?.destination ?? null,
      publishedAt: event ? iso(event.publishedAt) : null,
      status: deadLettered.has(id) ? 'dead-lettered' : eventStatus(own, event?.sendError ?? false),
      distance: distance.get(id) ?? 0,
      ...(deadLettered.has(id) ? { deadLetterId: deadLettered.get(id) } : {}),
    };
  });
  nodes.sort((a, b) => a.distance - b.distance || (a.publishedAt ?? '').localeCompare(b.publishedAt ?? '') || a.id.localeCompare(b.id));
  return { root: rootId, direction: options.direction, depth: options.depth, nodes, edges: [...edges.values()], truncated };
}

function byTimeThenId(a: CausalEdgeRecord, b: CausalEdgeRecord): number {
  return a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

async function inChunks<T>(ids: string[], load: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_QUERY) out.push(...(await load(ids.slice(i, i + IDS_PER_QUERY))));
  return out;
}
