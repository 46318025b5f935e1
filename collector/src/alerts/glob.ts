/** Alert scopes: every glob (see `../glob.ts`) of a rule, override or silence must match. */
import { matchesGlob } from '../glob.js';
import type { AlertScope } from './types.js';

export { matchesGlob };

/** True when every glob of the scope matches. */
export function scopeMatches(scope: AlertScope, cluster: string, group: string, destination: string): boolean {
  return matchesGlob(scope.cluster, cluster) && matchesGlob(scope.group, group) && matchesGlob(scope.destination, destination);
}
