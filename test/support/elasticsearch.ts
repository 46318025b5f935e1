/**
 * Removes everything a test created under an index prefix. Elasticsearch refuses wildcard deletes
 * by default (`action.destructive_requires_name`), so indices and templates are listed, then
 * deleted by exact name.
 */
import { services } from './services.js';

export async function deleteIndexPrefix(prefix: string, baseUrl: string = services.elasticsearchUrl): Promise<void> {
  const indices = (await (await fetch(`${baseUrl}/_cat/indices/${prefix}-*?format=json&h=index&expand_wildcards=all`)).json()) as Array<{ index: string }>;
  for (let i = 0; i < indices.length; i += 50) {
    const names = indices.slice(i, i + 50).map((entry) => entry.index);
    await fetch(`${baseUrl}/${names.join(',')}`, { method: 'DELETE' });
  }
  const response = await fetch(`${baseUrl}/_index_template/${prefix}-*`);
  const templates = response.ok ? ((await response.json()) as { index_templates?: Array<{ name: string }> }) : {};
  for (const { name } of templates.index_templates ?? []) await fetch(`${baseUrl}/_index_template/${name}`, { method: 'DELETE' });
}
