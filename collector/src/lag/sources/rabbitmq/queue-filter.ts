/**
 * Which RabbitMQ queues a lag source watches. Patterns are exact names or globs (`*` any run of
 * characters, `?` one character; nothing else is special, since queue names often hold dots and
 * slashes). Without patterns every queue is watched except the broker's own `amq.*` queues
 * (server-named, short-lived reply queues that would only add noise); a pattern that itself starts
 * with `amq.` can still select them.
 */

import { isGlob, matchesGlob } from '../../../glob.js';

export { isGlob };

const SERVER_NAMED_PREFIX = 'amq.';

interface CompiledPattern {
  glob: string;
  allowsServerNamed: boolean;
}

export class QueueFilter {
  /** Patterns without wildcards: the names a passive declare can check without any listing. */
  readonly exactNames: readonly string[];
  private readonly patterns: readonly CompiledPattern[] | undefined;

  constructor(patterns?: readonly string[]) {
    const given = patterns?.map((pattern) => pattern.trim()).filter((pattern) => pattern.length > 0);
    if (!given || given.length === 0) {
      this.patterns = undefined;
      this.exactNames = [];
      return;
    }
    this.patterns = given.map((pattern) => ({ glob: pattern, allowsServerNamed: pattern.startsWith(SERVER_NAMED_PREFIX) }));
    this.exactNames = [...new Set(given.filter((pattern) => !isGlob(pattern)))];
  }

  matches(queue: string): boolean {
    const serverNamed = queue.startsWith(SERVER_NAMED_PREFIX);
    if (!this.patterns) return !serverNamed;
    return this.patterns.some((pattern) => (!serverNamed || pattern.allowsServerNamed) && matchesGlob(pattern.glob, queue));
  }
}
