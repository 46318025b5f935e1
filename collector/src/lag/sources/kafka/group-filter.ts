/** Include/exclude globs over consumer group ids: `*` any run of characters, `?` one character. */

export type GroupFilter = (groupId: string) => boolean;

export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (const char of glob) {
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else source += char.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
  }
  // `s`: group ids may contain any character, newlines included.
  return new RegExp(`^${source}$`, 's');
}

/**
 * A group passes when it matches an include glob (or there are none) and no exclude glob. Groups
 * starting with `ownPrefix` never pass, whatever the globs: they are Causeway's commit watchers
 * (this collector's or another's on the same cluster), whose lag means nothing.
 */
export function createGroupFilter(include: readonly string[] | undefined, exclude: readonly string[] | undefined, ownPrefix: string): GroupFilter {
  const includes = (include ?? []).map(globToRegExp);
  const excludes = (exclude ?? []).map(globToRegExp);
  return (groupId) =>
    !groupId.startsWith(ownPrefix) && (includes.length === 0 || includes.some((re) => re.test(groupId))) && !excludes.some((re) => re.test(groupId));
}
