/**
 * Which RabbitMQ queues a lag source watches. Patterns are exact names or globs (`*` any run of
 * characters, `?` one character; nothing else is special, since queue names often hold dots and
 * slashes). Without patterns every queue is watched except the broker's own `amq.*` queues
 * (server-named, short-lived reply queues that would only add noise); a pattern that itself starts
 * with `amq.` can still select them.
 */

const SERVER_NAMED_PREFIX = 'amq.';

interface CompiledPattern {
  regex: RegExp;
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
    this.patterns = given.map((pattern) => ({ regex: globToRegExp(pattern), allowsServerNamed: pattern.startsWith(SERVER_NAMED_PREFIX) }));
    this.exactNames = [...new Set(given.filter((pattern) => !isGlob(pattern)))];
  }

  matches(queue: string): boolean {
    const serverNamed = queue.startsWith(SERVER_NAMED_PREFIX);
    if (!this.patterns) return !serverNamed;
    return this.patterns.some((pattern) => (!serverNamed || pattern.allowsServerNamed) && pattern.regex.test(queue));
  }
}

export function isGlob(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (const char of glob) {
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else source += char.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'su');
}
