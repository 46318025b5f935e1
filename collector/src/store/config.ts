/**
 * Public configuration of the stores: what `createStore` accepts. The collector's command line
 * (`--store`, `--es-*`) maps onto these fields one to one.
 */

export interface ElasticsearchStoreConfig {
  /** Encoded API key (the `encoded` value Elasticsearch returns). Takes precedence over basic auth. */
  apiKey?: string;
  /** Basic auth. May also come from the URL's userinfo (`https://user:pass@host:9200`); these win. */
  username?: string;
  password?: string;
  /** PEM file of the CA that signed the cluster's certificate, for https URLs. */
  caFile?: string;
  /** Prefix of every index and index template the store creates. Default `causeway`. */
  indexPrefix?: string;
}

export interface StoreConfig {
  /** `sqlite:<path>`, `sqlite::memory:`, or `http(s)://host:port` for Elasticsearch. */
  url: string;
  elasticsearch?: ElasticsearchStoreConfig;
}
