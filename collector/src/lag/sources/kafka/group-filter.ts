/** Include/exclude globs over consumer group ids: `*` any run of characters, `?` one character. */
import { matchesGlob } from '../../../glob.js';

export type GroupFilter = (groupId: string) => boolean;

/**
 * A group passes when it matches an include glob (or there are none) and no exclude glob. Groups
 * starting with `ownPrefix` never pass, whatever the globs: they are Causeway's commit watchers
 * (this collector's or another's on the same cluster), whose lag means nothing.
 */
export function createGroupFilter(include: readonly string[] | undefined, exclude: readonly string[] | undefined, ownPrefix: string): GroupFilter {
  const includes = include ?? [];
  const excludes = exclude ?? [];
  return (groupId) =>
    !groupId.startsWith(ownPrefix) && (includes.length === 0 || includes.some((glob) => matchesGlob(glob, groupId))) && !excludes.some((glob) => matchesGlob(glob, groupId));
}
