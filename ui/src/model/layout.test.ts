import ELK from 'elkjs/lib/elk.bundled.js';
import { describe, expect, it } from 'vitest';
import { layoutLeftToRight } from './layout';

describe('layoutLeftToRight', () => {
  it('places every cause left of its effects and keeps siblings apart', async () => {
    const size = { width: 200, height: 60 };
    const nodes = ['order', 'payment', 'shipment', 'mail'].map((id) => ({ id, ...size }));
    const edges = [
      { id: 'a', source: 'order', target: 'payment' },
      { id: 'b', source: 'payment', target: 'shipment' },
      { id: 'c', source: 'payment', target: 'mail' },
      { id: 'dangling', source: 'payment', target: 'not-drawn' },
    ];
    const { positions, routes } = await layoutLeftToRight(new ELK(), nodes, edges);
    const at = (id: string) => positions.get(id)!;
    expect(positions.size).toBe(4);
    expect(at('order').x + size.width).toBeLessThan(at('payment').x);
    expect(at('payment').x + size.width).toBeLessThan(at('shipment').x);
    expect(at('shipment').x).toBe(at('mail').x);
    expect(Math.abs(at('shipment').y - at('mail').y)).toBeGreaterThanOrEqual(size.height);
    // Each route runs from its source's right border to its target's left border.
    expect([...routes.keys()].sort()).toEqual(['a', 'b', 'c']);
    for (const [id, source, target] of [['a', 'order', 'payment'], ['c', 'payment', 'mail']] as const) {
      const points = routes.get(id)!.points;
      expect(points[0]!.x).toBe(at(source).x + size.width);
      expect(points.at(-1)!.x).toBe(at(target).x);
      expect(points.at(-1)!.y).toBeGreaterThanOrEqual(at(target).y);
      expect(points.at(-1)!.y).toBeLessThanOrEqual(at(target).y + size.height);
    }
  });

  it('wraps a long pipeline into rows when asked, instead of one unreadable strip', async () => {
    const size = { width: 170, height: 50 };
    const ids = ['order-service', 'orders', 'payment-service', 'payments', 'inventory-service', 'inventory', 'shipping-service', 'shipments', 'notification-service', 'notifications'];
    const nodes = ids.map((id) => ({ id, ...size }));
    const edges = ids.slice(1).map((target, i) => ({ id: `e${i}`, source: ids[i]!, target }));
    const extent = (positions: Map<string, { x: number; y: number }>) => {
      const xs = [...positions.values()].map((p) => p.x);
      const ys = [...positions.values()].map((p) => p.y);
      return { width: Math.max(...xs) - Math.min(...xs) + size.width, height: Math.max(...ys) - Math.min(...ys) + size.height };
    };
    const strip = extent((await layoutLeftToRight(new ELK(), nodes, edges)).positions);
    const wrapped = extent((await layoutLeftToRight(new ELK(), nodes, edges, { wrapToAspectRatio: 1.6 })).positions);
    expect(strip.width / strip.height).toBeGreaterThan(10);
    expect(wrapped.width).toBeLessThan(strip.width / 2);
    expect(wrapped.height).toBeGreaterThan(strip.height);
  });

  it('places edge labels on their edges, clear of every node and of each other, wrapped or not', async () => {
    const size = { width: 176, height: 48 };
    const label = { width: 90, height: 84 };
    // A fan-out and fan-in as in a shop: one destination read by three groups, each publishing on.
    const ids = ['orders-service', 'orders', 'payments', 'stock', 'mail', 'payments-topic', 'stock-topic', 'audit'];
    const nodes = ids.map((id) => ({ id, ...size }));
    const pairs = [['orders-service', 'orders'], ['orders', 'payments'], ['orders', 'stock'], ['orders', 'mail'], ['payments', 'payments-topic'], ['stock', 'stock-topic'], ['payments-topic', 'audit'], ['stock-topic', 'audit']];
    const edges = pairs.map(([source, target], i) => ({ id: `e${i}`, source: source!, target: target!, label }));
    for (const wrapToAspectRatio of [undefined, 1.2]) {
      const { positions, routes } = await layoutLeftToRight(new ELK(), nodes, edges, { betweenLayers: 40, withinLayer: 40, wrapToAspectRatio });
      const boxes = [
        ...[...positions].map(([id, p]) => ({ what: id, x: p.x, y: p.y, ...size })),
        ...edges.map((edge) => {
          const centre = routes.get(edge.id)!.label!;
          return { what: `label ${edge.id}`, x: centre.x - label.width / 2, y: centre.y - label.height / 2, ...label };
        }),
      ];
      for (const [i, a] of boxes.entries()) {
        for (const b of boxes.slice(i + 1)) {
          const overlap = a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
          expect(overlap, `${a.what} overlaps ${b.what} (wrap ${wrapToAspectRatio})`).toBe(false);
        }
      }
      // The edge runs through its label: some segment of the route crosses the label's box.
      for (const edge of edges) {
        const { points, label: centre } = routes.get(edge.id)!;
        const crosses = points.slice(1).some((end, k) => {
          const start = points[k]!;
          const [minX, maxX] = [Math.min(start.x, end.x), Math.max(start.x, end.x)];
          const [minY, maxY] = [Math.min(start.y, end.y), Math.max(start.y, end.y)];
          return minX <= centre!.x + label.width / 2 && maxX >= centre!.x - label.width / 2 && minY <= centre!.y + label.height / 2 && maxY >= centre!.y - label.height / 2;
        });
        expect(crosses, `edge ${edge.id} misses its label`).toBe(true);
      }
    }
  });

  it('routes every edge of a wrapped topology with a loop, labels included', async () => {
    // The demo shop: orders → payments → inventory → shipments → notifications → orders again.
    const pairs = [
      ['inventory', 'shipping-service'], ['notifications', 'order-service'], ['orders', 'notification-service'], ['orders', 'payment-service'],
      ['payments', 'inventory-service'], ['payments', 'notification-service'], ['shipments', 'notification-service'], ['inventory-service', 'inventory'],
      ['notification-service', 'notifications'], ['order-service', 'orders'], ['payment-service', 'payments'], ['shipping-service', 'shipments'],
    ] as const;
    const nodes = [...new Set(pairs.flat())].map((id) => ({ id, width: 176, height: 48 }));
    const edges = pairs.map(([source, target]) => ({ id: `${source}->${target}`, source, target, label: { width: 80, height: target.endsWith('-service') ? 86 : 51 } }));
    const { routes } = await layoutLeftToRight(new ELK(), nodes, edges, { betweenLayers: 40, withinLayer: 40, wrapToAspectRatio: 2.4 });
    for (const edge of edges) expect(routes.get(edge.id)?.points.length, edge.id).toBeGreaterThanOrEqual(2);
  });
});
