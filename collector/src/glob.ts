/**
 * Name globs (alert scopes; the groups and queues a lag source watches): `*` matches any run of
 * characters (including none), `?` exactly one; everything else is literal and case-sensitive. Topic and queue names may contain `/`, `.` or `:`, which path-glob
 * libraries treat specially, hence this small matcher. It backtracks only to the last `*`, so it runs
 * in O(glob × value) at worst and cannot be made to blow up by a hostile pattern.
 */

/** True when `value` matches `glob`; an undefined glob matches everything. */
export function matchesGlob(pattern: string | undefined, text: string): boolean {
  if (pattern === undefined || pattern === '*') return true;
  // By code point, so `?` is one character even outside the basic multilingual plane.
  const glob = [...pattern];
  const value = [...text];
  let g = 0;
  let v = 0;
  let starAt = -1;
  let starValue = 0;
  while (v < value.length) {
    const char = glob[g];
    if (char === '*') {
      starAt = g++;
      starValue = v;
    } else if (char !== undefined && (char === '?' || char === value[v])) {
      g++;
      v++;
    } else if (starAt >= 0) {
      g = starAt + 1;
      v = ++starValue;
    } else {
      return false;
    }
  }
  while (glob[g] === '*') g++;
  return g === glob.length;
}

export function isGlob(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}
