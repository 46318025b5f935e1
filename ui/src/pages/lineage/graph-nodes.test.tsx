// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { ReactFlowProvider, type NodeProps } from '@xyflow/react';
import { MemoryRouter, useLocation } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LineageGraphNode } from '../../model/lineage-graph';
import { EventNode, type EventNodeType } from './graph-nodes';

afterEach(cleanup);

const event = (overrides: Partial<LineageGraphNode>): LineageGraphNode => ({
  id: 'evt-1',
  type: 'order.placed',
  service: 'shop',
  destination: 'orders',
  publishedAt: null,
  status: 'ok',
  distance: 0,
  isRoot: false,
  deadLetterId: null,
  ...overrides,
});

function Where() {
  return <output data-testid="location">{useLocation().pathname}</output>;
}

function renderNode(node: LineageGraphNode, onNodeClick = vi.fn()) {
  // Only what EventNode reads; React Flow fills the rest when it draws the graph.
  const props = { id: node.id, data: { event: node, selected: false } } as unknown as NodeProps<EventNodeType>;
  render(
    <MemoryRouter initialEntries={['/events/evt-1']}>
      <ReactFlowProvider>
        {/* Stands in for React Flow's node wrapper, where `onNodeClick` listens. */}
        <div onClick={onNodeClick}>
          <EventNode {...props} />
        </div>
      </ReactFlowProvider>
      <Where />
    </MemoryRouter>,
  );
  return onNodeClick;
}

describe('EventNode', () => {
  it('marks a dead-lettered event with an icon, a word and its link, which does not select the node', () => {
    const onNodeClick = renderNode(event({ status: 'dead-lettered', deadLetterId: 'evt-1|billing' }));
    const button = screen.getByTestId('lineage-node');
    expect(button.dataset.deadLettered).toBe('true');
    expect(button.className).toContain('dead-lettered');
    expect(button.textContent).toContain('DLQ');
    expect(button.getAttribute('aria-label')).toContain('status dead-lettered');
    const link = screen.getByTestId('lineage-node-dead-letter-link');
    expect(link.getAttribute('href')).toBe('/dead-letters/evt-1%7Cbilling');
    fireEvent.click(link);
    expect(screen.getByTestId('location').textContent).toBe('/dead-letters/evt-1%7Cbilling');
    expect(onNodeClick).not.toHaveBeenCalled();
  });

  it('marks a dead-lettered event without a link when the collector gives no record id', () => {
    renderNode(event({ status: 'dead-lettered' }));
    expect(screen.getByTestId('lineage-node').dataset.deadLettered).toBe('true');
    expect(screen.queryByTestId('lineage-node-dead-letter-link')).toBeNull();
  });

  it('leaves other events unmarked', () => {
    renderNode(event({ status: 'error' }));
    const button = screen.getByTestId('lineage-node');
    expect(button.dataset.deadLettered).toBeUndefined();
    expect(button.textContent).not.toContain('DLQ');
  });
});
