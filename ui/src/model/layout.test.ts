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
    const positions = await layoutLeftToRight(new ELK(), nodes, edges);
    const at = (id: string) => positions.get(id)!;
    expect(positions.size).toBe(4);
    expect(at('order').x + size.width).toBeLessThan(at('payment').x);
    expect(at('payment').x + size.width).toBeLessThan(at('shipment').x);
    expect(at('shipment').x).toBe(at('mail').x);
    expect(Math.abs(at('shipment').y - at('mail').y)).toBeGreaterThanOrEqual(size.height);
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
    const strip = extent(await layoutLeftToRight(new ELK(), nodes, edges));
    const wrapped = extent(await layoutLeftToRight(new ELK(), nodes, edges, { wrapToAspectRatio: 1.6 }));
    expect(strip.width / strip.height).toBeGreaterThan(10);
    expect(wrapped.width).toBeLessThan(strip.width / 2);
    expect(wrapped.height).toBeGreaterThan(strip.height);
  });
});
