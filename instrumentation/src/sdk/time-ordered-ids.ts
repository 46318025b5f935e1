/**
 * Trace ids that begin with the time: the first 4 bytes are the Unix time in seconds (big-endian),
 * the other 12 are random, as AWS X-Ray's ids are. Span ids stay fully random.
 *
 * Why: every store keys spans on (trace id, span id). With fully random trace ids each new span
 * lands in a random page of that index, and each batch's commit rewrites most of the pages it
 * touched; with the time first, a batch's spans land side by side at the index's recent end. Full
 * SQLite ingest read ~10 % more spans per second with them (docs/performance.md, fourteenth round),
 * and the gap widens as the index outgrows the page cache.
 *
 * What stays true: ids are unique (96 random bits per second), never all zeros (the time is not
 * zero), and the trailing 7 bytes that W3C Trace Context level 2 and probability sampling read are
 * random. OpenTelemetry's `TraceIdRatioBasedSampler` folds all four 32-bit words together, so a
 * time word does not bias it.
 *
 * `startCauseway` uses it when it starts its own SDK; an app that runs its own NodeSDK can pass
 * `idGenerator: new TimeOrderedIdGenerator()`.
 */
import { RandomIdGenerator, type IdGenerator } from '@opentelemetry/sdk-trace-base';

export class TimeOrderedIdGenerator implements IdGenerator {
  private readonly random = new RandomIdGenerator();
  /** The last second seen and its 8 hex digits: the prefix changes once a second. */
  private second = -1;
  private prefix = '';

  generateTraceId(): string {
    const second = Math.floor(Date.now() / 1000);
    if (second !== this.second) {
      this.second = second;
      this.prefix = (second >>> 0).toString(16).padStart(8, '0');
    }
    return this.prefix + this.random.generateTraceId().slice(8);
  }

  generateSpanId(): string {
    return this.random.generateSpanId();
  }
}
