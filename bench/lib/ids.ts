/**
 * Ids for generated bench data, made as the Causeway SDK makes them, deterministically: trace ids
 * with the time in seconds first (`TimeOrderedIdGenerator`), span ids scattered as random ids are,
 * event ids UUIDv7. Counted ids would make every store's inserts keyed on them appends and flatter
 * the stores (performance.md, thirteenth round); fully random trace ids are what other SDKs send.
 */

/** A bijection of 32-bit integers that scatters consecutive ones (xor-shift and multiply rounds). */
function scatter32(value: number): number {
  let x = value >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

function hex8(value: number): string {
  return value.toString(16).padStart(8, '0');
}

/**
 * `hexLength` (16 or 32) hex digits that look random and are unique per (`n`, `suffix`): the first 8
 * are a bijection of `n`, the last 8 are `suffix` (a run id, padded or cut to 8).
 */
export function scatteredId(n: number, hexLength: number, suffix: string): string {
  let id = hex8(scatter32(n));
  for (let salt = 1; id.length < hexLength - 8; salt++) id += hex8(scatter32(n ^ Math.imul(salt, 0x9e3779b9)));
  return id + suffix.padStart(8, '0').slice(-8);
}

/** A UUIDv7 for time `atMs`, its random bits from `scatteredId(n, 32, suffix)`: unique in the same way. */
export function eventIdAt(atMs: number, n: number, suffix: string): string {
  const time = Math.floor(atMs).toString(16).padStart(12, '0');
  const hex = scatteredId(n, 32, suffix);
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${hex.slice(0, 3)}-a${hex.slice(3, 6)}-${hex.slice(6, 8)}${hex.slice(22)}`;
}

/** A trace id as the Causeway SDK makes it at time `atMs`: its Unix second, then `scatteredId(n, 24, suffix)`. */
export function traceIdAt(atMs: number, n: number, suffix: string): string {
  return hex8(Math.floor(atMs / 1000)) + scatteredId(n, 24, suffix);
}
