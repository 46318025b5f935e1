// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { deadLetterDetail, deadLetterView, hotspotRow, hotspots, redriveAudit } from '../../model/dead-letter-fixtures';
import { DeadLettersPage } from './DeadLettersPage';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  window.sessionStorage.clear();
});

/** Answers like the collector would, per method and path; returns the calls made. */
function collector(answers: Record<string, (url: URL) => Response>) {
  const fetchMock = vi.fn(async (url: string, init?: RequestInit) => {
    const parsed = new URL(url, 'http://ui.test');
    const handler = answers[`${init?.method ?? 'GET'} ${parsed.pathname}`];
    return handler ? handler(parsed) : new Response(JSON.stringify({ error: 'not found', message: `no route ${parsed.pathname}` }), { status: 404 });
  });
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}
const json = (body: unknown, status = 200) => () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const queryOf = (fetchMock: ReturnType<typeof collector>, path: string) =>
  fetchMock.mock.calls.map(([url]) => new URL(url, 'http://ui.test')).filter((url) => url.pathname === path);

function LocationProbe() {
  const location = useLocation();
  return <output data-testid="location">{`${location.pathname}${location.search}`}</output>;
}

function renderAt(url: string) {
  return render(
    <MemoryRouter initialEntries={[url]}>
      <Routes>
        <Route path="/dead-letters/:id?" element={<DeadLettersPage />} />
        <Route path="/events/:id" element={<p>lineage page</p>} />
      </Routes>
      <LocationProbe />
    </MemoryRouter>,
  );
}
const location = () => new URL(screen.getByTestId('location').textContent ?? '', 'http://ui.test');

const hotspotAnswer = hotspots([
  hotspotRow({ fingerprint: 'f1', group: 'billing' }, [0, 0, 10, 40], { sample: { id: 'e1|billing', errorType: 'ValidationError', errorMessage: 'amount must be positive' } }),
  hotspotRow({ fingerprint: 'f2', group: 'audit' }, [3, 3, 3, 3], { sample: { id: 'e9|audit', errorType: 'TimeoutError', errorMessage: 'db timed out after 5000 ms' } }),
]);
const billing = [
  deadLetterView('e2|billing', { deadLetteredAgainAfterRedrive: true, redriveCount: 1 }),
  deadLetterView('e1|billing', { deadLetter: { destination: 'orders.dlq', reason: 'expired', convention: 'rabbitmq' } }),
];

describe('DeadLettersPage', () => {
  it('ranks hotspots, drills into one, and opens a message with its stack, headers and payload', async () => {
    const fetchMock = collector({
      'GET /api/deadletters/hotspots': json(hotspotAnswer),
      'GET /api/deadletters': (url) => json({ deadLetters: url.searchParams.get('fingerprint') === 'f1' ? billing : [...billing, deadLetterView('e9|audit')] })(),
      'GET /api/deadletters/e1%7Cbilling': json(deadLetterDetail('e1|billing', { redrives: [redriveAudit({ result: 'republished', newEventId: 'e1-redrive-1' })] })),
    });
    renderAt('/dead-letters?range=6h&refresh=off');

    expect(await screen.findByTestId('deadletters-page')).toBeTruthy();
    const rows = await screen.findAllByTestId('hotspot-row');
    expect(rows.map((row) => [row.dataset.fingerprint, row.dataset.count, row.dataset.trend])).toEqual([
      ['f1', '50', 'new'],
      ['f2', '12', 'steady'],
    ]);
    expect(within(rows[0] as HTMLElement).getByText('new')).toBeTruthy();
    expect(within(rows[0] as HTMLElement).getByRole('img').getAttribute('aria-label')).toMatch(/50 in the later half/);
    const hotspotQuery = queryOf(fetchMock, '/api/deadletters/hotspots')[0];
    expect(hotspotQuery?.searchParams.get('groupBy')).toBe('fingerprint,group');
    expect(hotspotQuery?.searchParams.get('bucket')).toBe('10m');
    expect(await screen.findAllByTestId('deadletter-row')).toHaveLength(3);

    // A hotspot row filters the list, in the URL.
    fireEvent.click(rows[0] as HTMLElement);
    await waitFor(() => expect(screen.getAllByTestId('deadletter-row').map((row) => row.dataset.id)).toEqual(['e2|billing', 'e1|billing']));
    expect(location().searchParams.get('fingerprint')).toBe('f1');
    expect(location().searchParams.get('group')).toBe('billing');
    expect(location().searchParams.get('range')).toBe('6h');
    const listQuery = queryOf(fetchMock, '/api/deadletters').at(-1);
    expect([listQuery?.searchParams.get('fingerprint'), listQuery?.searchParams.get('group')]).toEqual(['f1', 'billing']);
    expect(screen.getByTestId('deadletters-filter').textContent).toContain('Error fingerprint f1, Consumer group billing');
    expect(within(screen.getAllByTestId('deadletter-row')[0] as HTMLElement).getByTestId('redriven-again')).toBeTruthy();

    // A row opens the message view; the id is encoded in the path and the filter kept.
    fireEvent.click(screen.getAllByTestId('deadletter-row')[1] as HTMLElement);
    const detail = await screen.findByTestId('deadletter-detail');
    expect(location().pathname).toBe('/dead-letters/e1%7Cbilling');
    expect(location().searchParams.get('fingerprint')).toBe('f1');
    await within(detail).findByText('amount must be positive');
    expect(within(detail).getByTestId('deadletter-attempts').textContent).toBe('3');
    expect(within(detail).getByText('RabbitMQ dead-letter exchange (x-death)', { exact: false })).toBeTruthy();
    const stack = within(detail).getByTestId('deadletter-stack');
    expect(stack.querySelector('details')?.open).toBe(false);
    expect(stack.querySelector('pre')?.textContent).toContain('at validate (billing.js:12:7)');
    expect(within(detail).getByText('x-first-death-queue')).toBeTruthy();
    expect(within(detail).getByTestId('deadletter-payload').querySelector('pre')?.textContent).toBe('{\n  "orderId": "o-17",\n  "amount": -5,\n  "card": "[REDACTED]"\n}');
    expect(within(detail).getByTestId('redrive-history').querySelector('li')?.dataset.result).toBe('republished');
    expect(within(detail).getByTestId('deadletter-lineage-link').getAttribute('href')).toBe('/events/e1');

    // Selecting the same hotspot again clears the filter.
    fireEvent.click(screen.getAllByTestId('hotspot-row')[0] as HTMLElement);
    await waitFor(() => expect(location().searchParams.has('fingerprint')).toBe(false));
  });

  it('groups by the chosen dimensions', async () => {
    const fetchMock = collector({
      'GET /api/deadletters/hotspots': (url) =>
        json(hotspots([hotspotRow({ eventType: 'order.placed', service: 'billing-svc' }, [1, 2])], (url.searchParams.get('groupBy') ?? '').split(',') as never))(),
      'GET /api/deadletters': json({ deadLetters: billing }),
    });
    renderAt('/dead-letters?groupBy=service,eventType&refresh=off');
    const row = await screen.findByTestId('hotspot-row');
    expect(row.dataset.fingerprint).toBe('');
    expect(queryOf(fetchMock, '/api/deadletters/hotspots')[0]?.searchParams.get('groupBy')).toBe('eventType,service');
    const groupBy = screen.getByTestId('hotspot-group-by');
    expect((within(groupBy).getByLabelText('Consuming service') as HTMLInputElement).checked).toBe(true);
    fireEvent.click(within(groupBy).getByLabelText('Producer version'));
    await waitFor(() => expect(location().searchParams.get('groupBy')).toBe('eventType,producerVersion,service'));
  });

  it('shows the message view’s empty payload note, and says how dead letters are found when there are none', async () => {
    collector({
      'GET /api/deadletters/hotspots': json(hotspots([])),
      'GET /api/deadletters': json({ deadLetters: [] }),
      'GET /api/deadletters/x%7Cg': json(deadLetterDetail('x|g', { payload: null, headers: null, error: { type: null, message: null, stack: null, fingerprint: 'unknown' } })),
    });
    renderAt('/dead-letters/x%7Cg?refresh=off');
    const empties = await screen.findAllByTestId('deadletters-empty');
    expect(empties[0]?.textContent).toContain('No dead letters in this range.');
    expect(empties[0]?.textContent).toContain('kafka_dlt-*');
    const detail = await screen.findByTestId('deadletter-detail');
    await waitFor(() => expect(within(detail).getByTestId('deadletter-payload').textContent).toContain('Not captured — payload capture is off'));
    expect(within(detail).getByText('Headers were not captured.')).toBeTruthy();
    expect(within(detail).getByTestId('deadletter-stack').textContent).toBe('No stack trace was recorded.');
  });

  it('shows the collector’s refusal as an error', async () => {
    collector({
      'GET /api/deadletters/hotspots': json({ error: 'bad request', message: 'groupBy is a comma-separated list of fingerprint, group' }, 400),
      'GET /api/deadletters': json({ error: 'unavailable', message: 'the store is down' }, 503),
    });
    renderAt('/dead-letters?refresh=off');
    expect((await screen.findByText('Could not load dead-letter hotspots.')).closest('[role="alert"]')?.textContent).toContain('groupBy is a comma-separated list');
    expect((await screen.findByText('Could not load dead letters.')).closest('[role="alert"]')?.textContent).toContain('the store is down (HTTP 503)');
  });
});
