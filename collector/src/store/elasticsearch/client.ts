/**
 * Builds the Elasticsearch client from the store URL and options, and checks the cluster is there.
 */
import { readFileSync } from 'node:fs';
import { Client, errors } from '@elastic/elasticsearch';
import type { ElasticsearchStoreConfig } from '../config.js';

/** Not exported by the client's ESM entry point; derived from the constructor instead. */
type ClientOptions = ConstructorParameters<typeof Client>[0];

export interface ElasticsearchConnection {
  client: Client;
  /** The node URL without credentials: safe to print. */
  displayUrl: string;
}

export function connectElasticsearch(url: string, config: ElasticsearchStoreConfig = {}): ElasticsearchConnection {
  let node: URL;
  try {
    node = new URL(url);
  } catch {
    throw new Error(`Elasticsearch URL "${url}" is not a valid URL`);
  }
  if (node.protocol !== 'http:' && node.protocol !== 'https:') {
    throw new Error(`Elasticsearch URL must be http:// or https://, got "${node.protocol}"`);
  }
  // Credentials in the URL are taken out and passed as auth, so they never appear in error
  // messages or logs; explicit options win over them.
  const urlUser = decodeURIComponent(node.username);
  const urlPassword = decodeURIComponent(node.password);
  node.username = '';
  node.password = '';
  const displayUrl = node.toString().replace(/\/$/, '');

  const options: ClientOptions = { node: displayUrl };
  if (config.apiKey) {
    options.auth = { apiKey: config.apiKey };
  } else if (config.username ?? urlUser) {
    options.auth = { username: config.username ?? urlUser, password: config.password ?? urlPassword };
  }
  if (config.caFile) {
    let ca: Buffer;
    try {
      ca = readFileSync(config.caFile);
    } catch (err) {
      throw new Error(`cannot read Elasticsearch CA file ${config.caFile}: ${(err as Error).message}`);
    }
    options.tls = { ca };
  }
  return { client: new Client(options), displayUrl };
}

/**
 * Fails with a message a user can act on when the cluster cannot be reached or refuses us. Uses
 * cluster health rather than `GET /` or a ping: some distributions do not answer `/`.
 */
export async function checkClusterHealth(connection: ElasticsearchConnection): Promise<void> {
  const { client, displayUrl } = connection;
  try {
    // Any status will do: a red cluster may well be red because of someone else's index, and
    // writes to an unavailable index of ours fail (and are retried by the ingest) on their own.
    await client.cluster.health({}, { requestTimeout: 15_000, maxRetries: 1 });
  } catch (err) {
    if (err instanceof errors.ResponseError && err.statusCode === 401) {
      throw new Error(`Elasticsearch at ${displayUrl} rejected the credentials (HTTP 401): check --es-api-key or --es-username/--es-password`);
    }
    if (err instanceof errors.ResponseError && err.statusCode === 403) {
      throw new Error(`Elasticsearch at ${displayUrl} denied the cluster health check (HTTP 403): the collector's user needs the "monitor" cluster privilege`);
    }
    if (err instanceof errors.ProductNotSupportedError) {
      throw new Error(`${displayUrl} does not answer as Elasticsearch: ${err.message}`);
    }
    throw new Error(`Elasticsearch at ${displayUrl} is unreachable: ${(err as Error).message}`);
  }
}
