/**
 * The ingest limit: the documents the collector stored, indexed again straight into Elasticsearch
 * by a bare `_bulk` loop — same index templates, same number of requests, same concurrency, no
 * decoding, no write-ahead log, no correlation. What the collector could reach if it cost nothing.
 */
import { ElasticsearchStore } from '../../collector/dist/store/index.js';
import type { StoredDoc } from '../lib/elasticsearch.js';
import { HttpPoster, sendConcurrently } from '../lib/http-post.js';

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
  // Serialized before the timer, as bytes: the loop only sends.
  const bodies: Buffer[] = [];
  for (let i = 0; i < docs.length; i += perRequest) {
    let body = '';
    for (const doc of docs.slice(i, i + perRequest)) {
      const index = toPrefix + doc._index.slice(fromPrefix.length);
      body += `${JSON.stringify({ index: { _index: index, _id: doc._id } })}\n${JSON.stringify(doc._source)}\n`;
    }
    bodies.push(Buffer.from(body));
  }

  // The collector's client (see bulk.ts): the same lean answer, parsed by the same code.
  const url = `${baseUrl}/_bulk?filter_path=errors,items.*.status,items.*.error`;
  const poster = new HttpPoster(concurrency);
  const started = performance.now();
  try {
    await sendConcurrently(bodies, concurrency, async (body) => {
      const answer = await poster.post(url, body, 'application/x-ndjson');
      if (answer.status !== 200) throw new Error(`bare _bulk loop: Elasticsearch answered ${answer.status}: ${answer.body.toString('utf8', 0, 500)}`);
      const result = JSON.parse(answer.body.toString('utf8')) as { errors: boolean; items?: Array<Record<string, { error?: unknown }>> };
      if (result.errors) {
        const failed = result.items?.map((item) => Object.values(item)[0]?.error).find(Boolean);
        throw new Error(`bare _bulk loop: Elasticsearch rejected documents: ${JSON.stringify(failed)}`);
      }
    });
  } finally {
    poster.close();
  }
  return { elapsedMs: performance.now() - started, documents: docs.length, requests: bodies.length };
}
