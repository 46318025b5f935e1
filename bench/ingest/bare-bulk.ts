/**
 * The ingest limit: the documents the collector stored, indexed again straight into Elasticsearch
 * by a bare `_bulk` loop — same index templates, same number of requests, same concurrency, no
 * decoding, no write-ahead log, no correlation. What the collector could reach if it cost nothing.
 */
import { ElasticsearchStore } from '../../collector/dist/store/index.js';
import { esJson, type StoredDoc } from '../lib/elasticsearch.js';

export interface BareBulkResult {
  elapsedMs: number;
  documents: number;
  requests: number;
}

/**
 * `docs` were read from the collector's indices under `fromPrefix`; they are written under
 * `toPrefix` (same daily index names otherwise) in `requests` bulk requests by `concurrency` clients.
 */
export async function bareBulkLoop(baseUrl: string, docs: StoredDoc[], fromPrefix: string, toPrefix: string, requests: number, concurrency: number): Promise<BareBulkResult> {
  // The collector's own templates, so mappings (and so indexing cost) are the same.
  const templates = new ElasticsearchStore(baseUrl, { indexPrefix: toPrefix });
  await templates.init();
  await templates.close();

  const perRequest = Math.ceil(docs.length / requests);
  const bodies: string[] = [];
  for (let i = 0; i < docs.length; i += perRequest) {
    let body = '';
    for (const doc of docs.slice(i, i + perRequest)) {
      const index = toPrefix + doc._index.slice(fromPrefix.length);
      body += `${JSON.stringify({ index: { _index: index, _id: doc._id } })}\n${JSON.stringify(doc._source)}\n`;
    }
    bodies.push(body);
  }

  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++] as string;
        const answer = await esJson<{ errors: boolean; items: Array<Record<string, { error?: unknown }>> }>(baseUrl, '/_bulk', { ndjson: body });
        if (answer.errors) {
          const failed = answer.items.map((item) => Object.values(item)[0]?.error).find(Boolean);
          throw new Error(`bare _bulk loop: Elasticsearch rejected documents: ${JSON.stringify(failed)}`);
        }
      }
    }),
  );
  return { elapsedMs: performance.now() - started, documents: docs.length, requests: bodies.length };
}
