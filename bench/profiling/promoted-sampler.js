/**
 * Preload for the ingest bench's collector child: V8's sampling heap profiler, counting only
 * objects that outlived a young-generation collection (those a scavenge freed are left out, those a
 * mark-compact freed later are kept), so the profile says where promoted memory was allocated.
 *
 *   CAUSEWAY_BENCH_COLLECTOR_FLAGS='--import ./bench/profiling/promoted-sampler.js' \
 *     CAUSEWAY_BENCH_INGEST_STORES=sqlite npm run bench -- --only ingest
 *   node --import tsx bench/profiling/promoted-summary.ts bench-results/profiles/promoted-<pid>.heapprofile
 *
 * Main thread only (the SQLite writer thread is another isolate). The profile is written when the
 * process exits; an in-process inspector session answers synchronously, so that works in `exit`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';

if (isMainThread) {
  const session = new Session();
  session.connect();
  session.post('HeapProfiler.enable');
  session.post('HeapProfiler.startSampling', {
    samplingInterval: 8192,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: false,
  });
  process.once('exit', () => {
    session.post('HeapProfiler.stopSampling', (err, result) => {
      if (err) {
        process.stderr.write(`promoted-sampler: ${err.message}\n`);
        return;
      }
      const dir = join(process.cwd(), 'bench-results', 'profiles');
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `promoted-${process.pid}.heapprofile`);
      writeFileSync(file, JSON.stringify(result.profile));
      process.stderr.write(`promoted-sampler: wrote ${file}\n`);
    });
  });
}
