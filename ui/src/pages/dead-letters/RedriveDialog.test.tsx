// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { deadLetterDetail, deadLetterView, hotspots, redriveAudit, redriveResponse } from '../../model/dead-letter-fixtures';
import { DeadLettersPage } from './DeadLettersPage';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  window.sessionStorage.clear();
  window.localStorage.clear();
});

interface Call {
  method: string;
  path: string;
  search: URLSearchParams;
  headers: Record<string, string>;
  body: unknown;
}

/** A collector answering per method and path; records every call with its headers and body. */
function collector(answers: Record<string, (call: Call) => Response>) {
  const calls: Call[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      const parsed = new URL(url, 'http://ui.test');
      const call: Call = {
        method: init?.method ?? 'GET',
        path: parsed.pathname,
        search: parsed.searchParams,
        headers: { ...(init?.headers as Record<string, string> | undefined) },
        body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
      };
      calls.push(call);
      const handler = answers[`${call.method} ${call.path}`];
      return handler ? handler(call) : new Response(JSON.stringify({ error: 'not found' }), { status: 404 });
    }),
  );
  return calls;
}
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

function LocationProbe() {
  const location = useLocation();
  return <output data-testid="location">{`${location.pathname}${location.search}`}</output>;
}

function renderAt(url: string) {
  return render(
    <MemoryRouter initialEntries={[url]}>
      <Routes>
        <Route path="/dead-letters/:id?" element={<DeadLettersPage />} />
      </Routes>
      <LocationProbe />
    </MemoryRouter>,
  );
}

const ID = 'e1|billing';
const PATH = '/api/deadletters/e1%7Cbilling';
const orders = { system: 'rabbitmq', destination: 'orders' };
const baseAnswers = {
  'GET /api/deadletters/hotspots': () => json(hotspots([])),
  'GET /api/deadletters': () => json({ deadLetters: [deadLetterView(ID), deadLetterView('e2|billing')] }),
};

async function openDialog() {
  const detail = await screen.findByTestId('deadletter-detail');
  fireEvent.click(await within(detail).findByTestId('redrive-button'));
  return screen.findByTestId('redrive-dialog');
}

describe('RedriveDialog', () => {
  it('runs a dry run with the token, then redrives for real and reloads the message', async () => {
    let redriven = false;
    const calls = collector({
      ...baseAnswers,
      [`GET ${PATH}`]: () => json(deadLetterDetail(ID, { redriveCount: redriven ? 1 : 0, redrives: redriven ? [redriveAudit({ newEventId: 'e1-r1' })] : [] })),
      [`POST ${PATH}/redrive`]: (call) => {
        if (call.headers.authorization !== 'Bearer s3cret') return json({ error: 'unauthorized', message: 'a valid admin token is required' }, 401);
        const dryRun = (call.body as { dryRun: boolean }).dryRun;
        if (!dryRun) redriven = true;
        return json(redriveResponse(dryRun, [redriveAudit({ dryRun, result: dryRun ? 'would-republish' : 'republished', target: orders, newEventId: dryRun ? null : 'e1-r1' })]));
      },
    });
    renderAt(`/dead-letters/e1%7Cbilling?refresh=off`);
    const dialog = await openDialog();
    expect((dialog as HTMLDialogElement).open).toBe(true);
    // No token remembered: nothing is sent until one is typed.
    expect(calls.some((call) => call.method === 'POST')).toBe(false);
    fireEvent.click(within(dialog).getByTestId('redrive-dry-run-button'));
    expect(within(dialog).getByTestId('redrive-error').textContent).toBe('Enter the admin token configured on the collector.');

    const tokenField = within(dialog).getByLabelText('Admin token') as HTMLInputElement;
    expect(tokenField.type).toBe('password');
    fireEvent.change(tokenField, { target: { value: 's3cret' } });
    fireEvent.change(within(dialog).getByLabelText('Your name (for the audit log)'), { target: { value: 'ana' } });
    fireEvent.click(within(dialog).getByTestId('redrive-dry-run-button'));

    const dryRun = await within(dialog).findByTestId('redrive-dry-run');
    expect(dryRun.textContent).toContain('Would republish 1 message.');
    expect(dryRun.textContent).toContain('orders');
    const [first] = calls.filter((call) => call.method === 'POST');
    expect(first?.body).toEqual({ dryRun: true });
    expect(first?.headers['x-causeway-actor']).toBe('ana');

    fireEvent.click(within(dialog).getByTestId('redrive-confirm'));
    const result = await within(dialog).findByTestId('redrive-result');
    expect(result.textContent).toContain('Republished 1 message.');
    expect(calls.filter((call) => call.method === 'POST').map((call) => call.body)).toEqual([{ dryRun: true }, { dryRun: false }]);
    expect(within(dialog).queryByTestId('redrive-confirm')).toBeNull();

    // The token stays in this tab only: never in the URL or localStorage.
    expect(window.sessionStorage.getItem('causeway.redrive.adminToken')).toBe('s3cret');
    expect(JSON.stringify({ ...window.localStorage })).not.toContain('s3cret');
    expect(screen.getByTestId('location').textContent).not.toContain('s3cret');
    expect(calls.every((call) => !call.search.toString().includes('s3cret'))).toBe(true);

    // The message reloads with its new redrive history.
    await waitFor(() => expect(screen.getByTestId('redrive-history').querySelector('li')?.dataset.result).toBe('republished'));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Close' }));
    expect(screen.queryByTestId('redrive-dialog')).toBeNull();
  });

  it('forgets a refused token and explains 401, 403 and 409', async () => {
    let status = 401;
    const messages: Record<number, string> = { 401: 'a valid admin token is required', 403: 'redrive is disabled: no admin token is configured', 409: 'already redriven once; pass force' };
    collector({
      ...baseAnswers,
      [`GET ${PATH}`]: () => json(deadLetterDetail(ID)),
      [`POST ${PATH}/redrive`]: () => json({ error: 'refused', message: messages[status] }, status),
    });
    window.sessionStorage.setItem('causeway.redrive.adminToken', 'stale');
    renderAt('/dead-letters/e1%7Cbilling?refresh=off');
    const dialog = await openDialog();
    // A remembered token runs the dry run at once.
    const error = await within(dialog).findByTestId('redrive-error');
    expect(error.textContent).toBe('The collector did not accept the admin token. Check it and try again. (a valid admin token is required (HTTP 401))');
    expect(window.sessionStorage.getItem('causeway.redrive.adminToken')).toBeNull();

    status = 403;
    fireEvent.click(within(dialog).getByTestId('redrive-dry-run-button'));
    await waitFor(() => expect(within(dialog).getByTestId('redrive-error').textContent).toMatch(/^Redrive is disabled on this collector.*no admin token is configured \(HTTP 403\)/));

    status = 409;
    fireEvent.click(within(dialog).getByTestId('redrive-dry-run-button'));
    await waitFor(() => expect(within(dialog).getByTestId('redrive-error').textContent).toBe('The collector refused to redrive: already redriven once; pass force (HTTP 409)'));
    expect(within(dialog).queryByTestId('redrive-confirm')).toBeNull();
  });

  it('redrives every match of the filter in bulk, with force, and cannot confirm when nothing would go', async () => {
    const calls = collector({
      ...baseAnswers,
      'POST /api/deadletters/redrive': (call) => {
        const body = call.body as { dryRun: boolean; force?: boolean };
        if (!body.force) return json(redriveResponse(true, [redriveAudit({ dryRun: true, result: 'skipped', detail: 'already redriven once; pass force', target: null })]));
        return json(
          redriveResponse(body.dryRun, [
            redriveAudit({ dryRun: body.dryRun, result: body.dryRun ? 'would-republish' : 'republished', target: orders }),
            redriveAudit({ id: 'x2', dryRun: body.dryRun, result: body.dryRun ? 'would-republish' : 'republished', target: orders }),
          ]),
        );
      },
    });
    window.sessionStorage.setItem('causeway.redrive.adminToken', 'tok');
    renderAt('/dead-letters?group=billing&reason=rejected&refresh=off&from=2025-03-10T11:00:00.000Z&to=2025-03-10T12:00:00.000Z');
    await screen.findAllByTestId('deadletter-row');
    fireEvent.click(screen.getByTestId('redrive-bulk-button'));
    const dialog = await screen.findByTestId('redrive-dialog');
    expect(dialog.textContent).toContain('Consumer group billing, Reason rejected');

    const skipped = await within(dialog).findByTestId('redrive-dry-run');
    expect(skipped.textContent).toContain('Would republish 0 messages, 1 would be skipped.');
    expect(skipped.textContent).toContain('Skipped 1: already redriven once; pass force');
    expect((within(dialog).getByTestId('redrive-confirm') as HTMLButtonElement).disabled).toBe(true);

    fireEvent.click(within(dialog).getByLabelText('Force: also redrive messages that were redriven before'));
    expect(within(dialog).queryByTestId('redrive-dry-run')).toBeNull();
    fireEvent.click(within(dialog).getByTestId('redrive-dry-run-button'));
    const confirm = await within(dialog).findByRole('button', { name: 'Redrive 2 messages' });
    fireEvent.click(confirm);
    expect((await within(dialog).findByTestId('redrive-result')).dataset.republish).toBe('2');

    const posts = calls.filter((call) => call.method === 'POST');
    expect(posts.map((call) => call.headers.authorization)).toEqual(['Bearer tok', 'Bearer tok', 'Bearer tok']);
    expect(posts[2]?.body).toEqual({
      filter: { group: 'billing', reason: 'rejected', from: '2025-03-10T11:00:00.000Z', to: '2025-03-10T12:00:00.000Z' },
      limit: 100,
      dryRun: false,
      force: true,
    });
  });
});
