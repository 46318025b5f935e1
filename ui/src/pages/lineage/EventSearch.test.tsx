// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventSearch } from './EventSearch';

afterEach(cleanup);
const none = { type: '', service: '', destination: '' };

describe('EventSearch', () => {
  it('searches by type, service and destination, trimmed', () => {
    const onSearch = vi.fn();
    const onOpenEvent = vi.fn();
    render(<EventSearch filters={none} onSearch={onSearch} onOpenEvent={onOpenEvent} />);
    fireEvent.change(screen.getByLabelText('Event type'), { target: { value: ' OrderPlaced ' } });
    fireEvent.change(screen.getByLabelText('Service'), { target: { value: 'orders' } });
    fireEvent.submit(screen.getByTestId('event-search'));
    expect(onSearch).toHaveBeenCalledWith({ type: 'OrderPlaced', service: 'orders', destination: '' });
    expect(onOpenEvent).not.toHaveBeenCalled();
  });

  it('opens the lineage of an entered event id instead of searching', () => {
    const onSearch = vi.fn();
    const onOpenEvent = vi.fn();
    render(<EventSearch filters={none} onSearch={onSearch} onOpenEvent={onOpenEvent} />);
    fireEvent.change(screen.getByLabelText('Event id'), { target: { value: 'order-42' } });
    fireEvent.click(screen.getByRole('button', { name: 'Search' }));
    expect(onOpenEvent).toHaveBeenCalledWith('order-42');
    expect(onSearch).not.toHaveBeenCalled();
  });

  it('starts from the filters in the URL and clears them all', () => {
    const onSearch = vi.fn();
    render(<EventSearch filters={{ type: 'OrderPlaced', service: '', destination: 'orders' }} onSearch={onSearch} onOpenEvent={vi.fn()} />);
    expect((screen.getByLabelText('Destination') as HTMLInputElement).value).toBe('orders');
    fireEvent.click(screen.getByRole('button', { name: 'Clear' }));
    expect(onSearch).toHaveBeenCalledWith(none);
  });
});
