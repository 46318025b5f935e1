/** Plain HTTP helpers for Elasticsearch: the bench talks to it directly, without the collector's client. */

export async function esJson<T>(baseUrl: string, path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const response = await fetch(baseUrl + path, {
    method: init.method ?? (init.body !== undefined ? 'POST' : 'GET'),
    headers: { 'content-type': 'application/json' },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`Elasticsearch ${init.method ?? 'GET'} ${path}: ${response.status} ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

export interface StoredDoc {
  _index: string;
  _id: string;
  _source: object;
}

/** Every document under `<prefix>-*`, read with a scroll. */
export async function readAllDocs(baseUrl: string, prefix: string): Promise<StoredDoc[]> {
  await esJson(baseUrl, `/${prefix}-*/_refresh`, { method: 'POST' });
  type Page = { _scroll_id?: string; hits: { hits: StoredDoc[] } };
  const docs: StoredDoc[] = [];
  let page = await esJson<Page>(baseUrl, `/${prefix}-*/_search?scroll=2m`, { body: { size: 5000, sort: ['_doc'] } });
  while (page.hits.hits.length > 0) {
    for (const hit of page.hits.hits) docs.push({ _index: hit._index, _id: hit._id, _source: hit._source });
    page = await esJson<Page>(baseUrl, '/_search/scroll', { body: { scroll: '2m', scroll_id: page._scroll_id } });
  }
  if (page._scroll_id) await esJson(baseUrl, '/_search/scroll', { method: 'DELETE', body: { scroll_id: page._scroll_id } }).catch(() => {});
  return docs;
}

/**
 * Removes every index and index template under a prefix. Elasticsearch refuses wildcard deletes by
 * default (`action.destructive_requires_name`), so they are listed, then deleted by name.
 */
export async function deleteIndexPrefix(baseUrl: string, prefix: string): Promise<void> {
  const indices = await esJson<Array<{ index: string }>>(baseUrl, `/_cat/indices/${prefix}-*?format=json&h=index&expand_wildcards=all`);
  for (let i = 0; i < indices.length; i += 50) {
    await esJson(baseUrl, `/${indices.slice(i, i + 50).map((entry) => entry.index).join(',')}`, { method: 'DELETE' });
  }
  const templates = await esJson<{ index_templates?: Array<{ name: string }> }>(baseUrl, `/_index_template/${prefix}-*`).catch(() => ({ index_templates: [] }));
  for (const { name } of templates.index_templates ?? []) await esJson(baseUrl, `/_index_template/${name}`, { method: 'DELETE' });
}
