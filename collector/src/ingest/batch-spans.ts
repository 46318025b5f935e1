import type { Store } from '../store/store.js';

/**
 * Spans per correlator batch, by store. Elasticsearch does better with large batches (one refresh
 * and a few large bulk requests per batch; 2,500 measured slower). On SQLite the writer thread
 * holds a batch's spans and rows while it commits them, and 2,500 kept the peak RSS ~25 MB lower
 * at the same speed (full ingest bench, two pairs: 256 and 260 MB vs 279 and 298 MB; 20.1k and
 * 18.1k vs 19.8k and 16.3k spans/s).
 */
export const BATCH_SPANS: Record<Store['kind'], number> = { sqlite: 2500, elasticsearch: 5000 };

/**
 * Batches the ingest pipeline keeps in the correlator at once, by store. On SQLite three keep the
 * collector's thread, the writer thread and the checkpoint thread busier than two: full SQLite
 * ingest, 11 alternating pairs, median 24.1k against 22.7k spans/s, faster in 9 pairs, peak RSS
 * 266–279 against 257–270 MB (docs/performance.md, eleventh round). Elasticsearch keeps two: its
 * batches are twice as large, and its peak RSS is already 263–279 MB.
 */
export const BATCHES_IN_FLIGHT: Record<Store['kind'], number> = { sqlite: 3, elasticsearch: 2 };
