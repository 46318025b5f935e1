/**
 * The retry path of writeBulk. Per-item 429/5xx answers are what a loaded cluster gives, but a
 * single test node cannot be made to produce them on demand, so this file answers bulk requests
 * from a scripted stand-in; the non-retriable path and chunking run against the real Elasticsearch
 * in elasticsearch-store.test.ts and the contract suite.
 */
import type { Client } from '@elastic/elasticsearch';
import { describe, expect, it } from 'vitest';
import { bodyBuffers } from './body-buffers.js';
import { BulkWriteError, writeBulk, type BulkOperation } from './bulk.js';

type ItemAnswer = number; // HTTP status of the item; 2xx = written

/** The NDJSON lines of a request body as writeBulk hands it to the client. */
function bodyLines(operations: Buffer): string[] {
  const text = operations.toString('utf8');
  // Every line, the last included, ends with a newline, as Elasticsearch requires.
  expect(text.endsWith('\n')).toBe(true);
  return text.slice(0, -1).split('\n');
}

/** Answers each bulk request with the next script line (one status per item, in order). */
function scriptedClient(script: ItemAnswer[][]): { client: Client; requests: string[][] } {
  const requests: string[][] = [];
  const client = {
    bulk: async ({ operations: body }: { operations: Buffer }) => {
      const operations = bodyLines(body);
      requests.push(operations);
      const statuses = script[requests.length - 1] ?? [];
      const ids = operations.filter((line) => line.startsWith('{"index"') || line.startsWith('{"delete"'));
      return {
        errors: statuses.some((status) => status >= 300),
        items: ids.map((line, i) => {
          const status = statuses[i] ?? 201;
          const action = JSON.parse(line) as Record<string, { _index: string; _id: string }>;
          const [verb, target] = Object.entries(action)[0]!;
          // As Elasticsearch does: deleting an absent document is a 404 "not_found" without error.
          if (verb === 'delete' && status === 404) {
            return { delete: { _index: target._index, _id: target._id, status, result: 'not_found' } };
          }
          return {
            [verb]: {
              _index: target._index,
              _id: target._id,
              status,
              ...(status >= 300 ? { error: { type: status === 429 ? 'es_rejected_execution_exception' : 'x_exception', reason: `status ${status}` } } : {}),
            },
          };
        }),
      };
    },
  } as unknown as Client;
  return { client, requests };
}

const ops = (n: number): BulkOperation[] => Array.from({ length: n }, (_, i) => ({ index: 'idx', id: `doc-${i}`, document: { n: i } }));

describe('writeBulk', () => {
  it('sends transiently rejected items once more and succeeds when they go through', async () => {
    const { client, requests } = scriptedClient([[201, 429, 201, 503], [201, 201]]);
    await writeBulk(client, ops(4), { retryDelayMs: 1 });
    expect(requests).toHaveLength(2);
    // Only the two rejected documents are sent again.
    expect(requests[1]?.filter((line) => line.startsWith('{"index"'))).toEqual([
      JSON.stringify({ index: { _index: 'idx', _id: 'doc-1' } }),
      JSON.stringify({ index: { _index: 'idx', _id: 'doc-3' } }),
    ]);
  });

  it('raises the items still failing after the retry, and the permanent failures, by name', async () => {
    const { client, requests } = scriptedClient([[400, 429, 201], [503]]);
    const failure = (await writeBulk(client, ops(3), { retryDelayMs: 1 }).catch((err: unknown) => err)) as BulkWriteError;
    expect(failure).toBeInstanceOf(BulkWriteError);
    expect(failure.failures.map((f) => [f.id, f.status])).toEqual([
      ['doc-0', 400],
      ['doc-1', 503],
    ]);
    expect(failure.message).toMatch(/2 document\(s\): idx\/doc-0: 400 x_exception/);
    expect(requests).toHaveLength(2);
  });

  it('splits requests by operation count and by size', async () => {
    const byCount = scriptedClient([]);
    await writeBulk(byCount.client, ops(25), { maxOperations: 10 });
    expect(byCount.requests.map((lines) => lines.length / 2)).toEqual([10, 10, 5]);

    const bySize = scriptedClient([]);
    const big = { index: 'idx', id: 'big', document: { blob: 'x'.repeat(5000) } };
    await writeBulk(bySize.client, [...ops(2), big, ...ops(2)], { maxBytes: 1000 });
    // The oversized document goes alone; the small ones share requests.
    expect(bySize.requests.map((lines) => lines.length / 2)).toEqual([2, 1, 2]);
  });

  it('sends deletes as delete actions and accepts deleting an absent document', async () => {
    const { client, requests } = scriptedClient([[201, 404]]);
    await writeBulk(client, [{ index: 'idx', id: 'a', document: {} }, { index: 'old', id: 'a' }]);
    expect(requests).toEqual([
      [JSON.stringify({ index: { _index: 'idx', _id: 'a' } }), '{}', JSON.stringify({ delete: { _index: 'old', _id: 'a' } })],
    ]);
  });

  it('keeps at most `concurrency` requests in flight, sends every chunk once, and fails when any request fails', async () => {
    let inFlight = 0;
    let most = 0;
    const sent: string[] = [];
    const pacedClient = (failOn?: string) =>
      ({
        bulk: async ({ operations: body }: { operations: Buffer }) => {
          const operations = bodyLines(body);
          inFlight += 1;
          most = Math.max(most, inFlight);
          await new Promise((resolve) => setTimeout(resolve, 5));
          inFlight -= 1;
          const ids = operations.filter((line) => line.startsWith('{"index"')).map((line) => (JSON.parse(line) as { index: { _id: string } }).index._id);
          sent.push(...ids);
          if (failOn && ids.includes(failOn)) throw new Error('connection reset');
          return { errors: false, items: [] };
        },
      }) as unknown as Client;

    await writeBulk(pacedClient(), ops(50), { maxOperations: 5, concurrency: 3 });
    expect(most).toBe(3);
    expect([...sent].sort()).toEqual(ops(50).map((op) => op.id).sort());

    sent.length = 0;
    most = 0;
    await expect(writeBulk(pacedClient('doc-12'), ops(50), { maxOperations: 5, concurrency: 2 })).rejects.toThrow('connection reset');
    expect(most).toBe(2);
  });

  it('encodes non-ASCII documents exactly, also past the room its characters gave, and re-sends them exactly', async () => {
    // 2- and 4-byte characters: 700,000 characters take 1.75 MB, beyond the 1 MiB a body starts with.
    const wide = { index: 'idx', id: 'wide-ü', document: { text: 'ü'.repeat(500_000) + '😀'.repeat(100_000) } };
    const small = { index: 'idx', id: 'small', document: { text: 'naïve ✓' } };
    const { client, requests } = scriptedClient([[201, 429, 201], [201]]);
    await writeBulk(client, [small, wide, { ...small, id: 'last' }], { retryDelayMs: 1 });
    expect(requests[0]).toEqual([
      JSON.stringify({ index: { _index: 'idx', _id: 'small' } }),
      JSON.stringify(small.document),
      JSON.stringify({ index: { _index: 'idx', _id: 'wide-ü' } }),
      JSON.stringify(wide.document),
      JSON.stringify({ index: { _index: 'idx', _id: 'last' } }),
      JSON.stringify(small.document),
    ]);
    // The retry carries the rejected document's bytes, nothing else.
    expect(requests[1]).toEqual([JSON.stringify({ index: { _index: 'idx', _id: 'wide-ü' } }), JSON.stringify(wide.document)]);
  });

  it('reuses request buffers once answered, never one whose request failed', async () => {
    const answered = scriptedClient([]);
    await writeBulk(answered.client, ops(10));
    const kept = bodyBuffers.kept;
    expect(kept).toBeGreaterThan(0);
    // The next requests take the kept buffers (and give them back).
    await writeBulk(answered.client, ops(10));
    expect(bodyBuffers.kept).toBe(kept);

    const bodies: Buffer[] = [];
    const failing = {
      bulk: async ({ operations }: { operations: Buffer }) => {
        bodies.push(operations);
        throw new Error('socket hang up');
      },
    } as unknown as Client;
    await expect(writeBulk(failing, ops(3))).rejects.toThrow('socket hang up');
    expect(bodyBuffers.kept).toBe(kept - 1);
    // Whatever the socket might still send from it stays intact.
    const sent = bodies[0]!.toString('utf8');
    await writeBulk(answered.client, ops(50));
    expect(bodies[0]!.toString('utf8')).toBe(sent);
  });
});
