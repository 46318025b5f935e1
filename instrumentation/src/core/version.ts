/**
 * Name and version of this package, used as the instrumentation scope of every Causeway tracer.
 *
 * Read from package.json at runtime (rather than duplicated in code) so a release bump cannot leave
 * a stale version on spans. `src/core` and `dist/core` sit at the same depth, so the relative path
 * holds both under vitest and in the built package.
 */
import { createRequire } from 'node:module';

function readPackageVersion(): string {
  try {
    const pkg: unknown = createRequire(import.meta.url)('../../package.json');
    const version = pkg && typeof pkg === 'object' ? (pkg as { version?: unknown }).version : undefined;
    return typeof version === 'string' ? version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export const SDK_PACKAGE_NAME = '@causeway/instrumentation';
export const SDK_VERSION = readPackageVersion();
