/** Prometheus `/metrics` for the collector: lag, lag sources, alerts, ingest health, process. */
export { CollectorMetrics, DEFAULT_MAX_LAG_SERIES, METRIC_PREFIX, type CollectorMetricsOptions } from './collector-metrics.js';
export { MAX_LABEL_VALUE_LENGTH } from './lag-series.js';
