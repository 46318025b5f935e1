import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, deleteResource, fetchJson, postJson, queryString } from './client';
import { errorResponseSchema, topologySchema } from './schemas';

function answer(status: number, body: string) {
  vi.stubGlobal('fetch', vi.fn(async () => new Response(body, { status, headers: { 'content-type': 'application/json' } })));
}

afterEach(() => vi.unstubAllGlobals());

describe('fetchJson', () => {
  const topology = { from: '2025-01-15T10:00:00.000Z', to: '2025-01-15T11:00:00.000Z', nodes: [], edges: [] };

  it('returns an answer that matches the schema', async () => {
    answer(200, JSON.stringify(topology));
    await expect(fetchJson('/api/topology', topologySchema)).resolves.toEqual(topology);
  });

  it('names the field of an answer that does not match', async () => {
    answer(200, JSON.stringify({ ...topology, edges: [{ from: 'a', to: 'b', count: -1, errors: 0, p50Ms: 1, p99Ms: 1 }] }));
    const error = await fetchJson('/api/topology?from=x', topologySchema).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).kind).toBe('invalid-response');
    expect((error as ApiError).message).toContain('edges.0.count');
    expect((error as ApiError).message).not.toContain('from=x');
  });

  it('passes on the collector’s own sentence for a 400 and keeps the status', async () => {
    answer(400, JSON.stringify({ error: 'bad request', message: 'depth must be an integer between 1 and 50' }));
    const error = (await fetchJson('/api/events/x/lineage?depth=99', topologySchema).catch((e: unknown) => e)) as ApiError;
    expect([error.kind, error.status, error.message]).toEqual(['http', 400, 'depth must be an integer between 1 and 50 (HTTP 400)']);
  });

  it('refuses a non-JSON answer such as an HTML fallback page', async () => {
    answer(200, '<!doctype html><html></html>');
    await expect(fetchJson('/api/topology', topologySchema)).rejects.toMatchObject({ kind: 'invalid-response' });
  });

  it('reports an unreachable collector as a network error', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('fetch failed'))));
    await expect(fetchJson('/api/topology', topologySchema)).rejects.toMatchObject({ kind: 'network' });
  });
});

describe('postJson and deleteResource', () => {
  it('posts JSON and validates the answer', async () => {
    const fetchMock = vi.fn(async (_path: string, _init?: RequestInit) => new Response(JSON.stringify({ error: 'created' }), { status: 201 }));
    vi.stubGlobal('fetch', fetchMock);
    await expect(postJson('/api/things', { name: 'x' }, errorResponseSchema)).resolves.toEqual({ error: 'created' });
    const init = fetchMock.mock.calls[0]?.[1];
    expect([init?.method, init?.body, (init?.headers as Record<string, string>)['content-type']]).toEqual(['POST', '{"name":"x"}', 'application/json']);
  });

  it('treats an empty 204 as a deleted resource and passes on a refusal', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(null, { status: 204 })));
    await expect(deleteResource('/api/things/1')).resolves.toBeUndefined();
    answer(409, JSON.stringify({ error: 'conflict', message: 'rules from the rules file cannot be deleted through the API' }));
    await expect(deleteResource('/api/things/file:x')).rejects.toMatchObject({ status: 409, message: 'rules from the rules file cannot be deleted through the API (HTTP 409)' });
  });
});

describe('queryString', () => {
  it('leaves out empty values and encodes the rest', () => {
    expect(queryString({ service: 'orders & co', type: '', destination: undefined, limit: 50 })).toBe('?service=orders+%26+co&limit=50');
    expect(queryString({})).toBe('');
  });
});
