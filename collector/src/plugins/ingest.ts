/**
 * The ingest path behind `POST /v1/traces`: a write-ahead log that acknowledges durably, drained in
 * order into the correlator, which stores spans and derives events, deliveries and causal edges.
 * The pipeline keeps two batches in the correlator at once; the correlator serializes its own
 * stages so overlapping batches derive what one-at-a-time would (see `Correlator.ingest`).
 */
import { join } from 'node:path';
import fp from 'fastify-plugin';
import { Correlator } from '../correlation/index.js';
import { IngestPipeline } from '../ingest/pipeline.js';
import type { CollectorConfig } from '../config.js';
import { BATCH_SPANS, BATCHES_IN_FLIGHT } from '../ingest/batch-spans.js';


declare module 'fastify' {
  interface FastifyInstance {
    pipeline: IngestPipeline;
  }
}

export default fp(
  async (app, opts: { config: CollectorConfig }) => {
    const correlator = new Correlator(app.store);
    const pipeline = new IngestPipeline({
      walDir: join(opts.config.dataDir, 'wal'),
      process: (spans) => correlator.ingest(spans),
      maxBatchSpans: BATCH_SPANS[app.store.kind],
      batchesInFlight: BATCHES_IN_FLIGHT[app.store.kind],
      log: app.log,
    });
    await pipeline.start();
    app.decorate('pipeline', pipeline);
    // Registered after the store plugin, so Fastify closes the pipeline (draining it) before the store.
    app.addHook('onClose', async () => {
      await pipeline.close();
    });
  },
  { name: 'causeway-ingest', dependencies: ['causeway-store'] },
);
