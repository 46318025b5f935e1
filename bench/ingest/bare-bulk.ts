/**
 * The ingest limit: the documents the collector stored, indexed again straight into Elasticsearch
 * by a bare `_bulk` loop — same index templates, same number of requests, same concurrency, no
 * decoding, no write-ahead log, no correlation. What the collector could reach if it cost nothing.
 */
import { ElasticsearchStore } from '../../collector/dist/store/index.js';
import type { StoredDoc } from '../lib/elasticsearch.js';
import { HttpPoster, sendConcurrently } from '../lib/http-post.js';
import { seededRandom } from '../lib/stats.js';

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

  // Mixed, as the collector writes them: each of its batches carries spans and the events,
  // deliveries and edges derived from them, so all four indices take writes (and refresh) all run
  // long. Read back by scroll, the documents come index by index for the most part (the spans index
  // alone at the end), which Elasticsearch indexed 15-20 % faster (two alternating runs).
  const ordered = shuffled(docs);
  const perRequest = Math.ceil(ordered.length / requests);
  // Serialized before the timer, as bytes: the loop only sends.
  const bodies: Buffer[] = [];
  for (let i = 0; i < ordered.length; i += perRequest) {
    let body = '';
    for (const doc of ordered.slice(i, i + perRequest)) {
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

/** The items in a random order, the same every run (Fisher–Yates over a seeded generator). */
function shuffled<T>(items: readonly T[]): T[] {
  const random = seededRandom(6);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
