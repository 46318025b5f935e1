/**
 * The protobuf reader's string fields that recur across spans (attribute keys, span names, attribute
 * values), read through caches of the strings decoded before.
 */
import type protobuf from 'protobufjs/light.js';

type Reader = protobuf.Reader;

/**
 * Short ASCII strings decoded before, by a hash of their bytes, one per slot: attribute keys, span
 * names and most attribute values (systems, operations, destinations, groups, event types) recur on
 * almost every span. Handing back the string decoded before spares a fresh copy per span, which
 * would otherwise live as long as its span (through the batch's correlation, so past several
 * scavenges) and be promoted with it. A unique value that is short enough only overwrites a slot.
 *
 * Keys have a cache of their own, holding them internalized. V8 internalizes a property name when it
 * is first used as one, leaving the string it was given as a forwarding "thin" string; caching that
 * one made ingest slower, not faster (full SQLite ingest, slower in 5 of 6 alternating pairs).
 * Decoding plus storing (`correlator-micro.ts --decode`, medians of 12 alternating rounds): 62.2
 * against 64.6 µs per span with values cached, 59.3–60.6 against 65.6 with internalized keys as well.
 * Decoding alone, the bench's spans with UUID event ids: 4.01 µs per span without the caches, 3.12
 * with them (3.39 when values up to 48 characters, ids included, went through the cache); see
 * docs/performance.md, thirteenth round.
 */
const VALUE_SLOTS = 4096;
const KEY_SLOTS = 1024;
/**
 * Longest key, and longest value, that goes through a cache. Values stop short of the 36 characters
 * of a UUID: message and event ids are unique, and hashing them only to miss cost more than decoding.
 */
const KEY_MAX_LENGTH = 64;
const VALUE_MAX_LENGTH = 32;
const valueCache: (string | undefined)[] = new Array<string | undefined>(VALUE_SLOTS).fill(undefined);
const keyCache: (string | undefined)[] = new Array<string | undefined>(KEY_SLOTS).fill(undefined);

/**
 * `reader.string()` with the same result (a Buffer reader's read, clamped to the end as protobufjs'
 * is), from `cache` when short and ASCII. `asKey`: cache the internalized string.
 */
function cachedString(reader: Reader, cache: (string | undefined)[], asKey: boolean): string {
  const maxLength = asKey ? KEY_MAX_LENGTH : VALUE_MAX_LENGTH;
  const buf = reader.buf;
  if (!Buffer.isBuffer(buf)) return reader.string();
  const length = reader.uint32();
  const start = reader.pos;
  const end = Math.min(start + length, reader.len);
  reader.pos = end;
  const size = end - start;
  if (size === 0) return '';
  if (size > maxLength) return buf.toString('utf8', start, end);
  // FNV-1a over the bytes; any byte ≥ 0x80 (UTF-8 beyond ASCII) leaves the string out of the cache.
  let hash = 0x811c9dc5;
  let high = 0;
  for (let i = start; i < end; i++) {
    const byte = buf[i]!;
    high |= byte;
    hash = Math.imul(hash ^ byte, 0x01000193);
  }
  if (high >= 0x80) return buf.toString('utf8', start, end);
  const slot = (hash ^ (hash >>> 16)) & (cache.length - 1);
  const cached = cache[slot];
  if (cached !== undefined && cached.length === size && sameAscii(cached, buf, start)) return cached;
  const text = buf.toString('latin1', start, end);
  // An object literal's computed key is internalized, and Object.keys hands back that very string.
  const stored = asKey ? Object.keys({ [text]: 0 })[0]! : text;
  cache[slot] = stored;
  return stored;
}

function sameAscii(text: string, buf: Buffer, start: number): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) !== buf[start + i]) return false;
  return true;
}

/** An attribute key: `reader.string()`, cached internalized. */
export function readKey(reader: Reader): string {
  return cachedString(reader, keyCache, true);
}

/** A span name or a string attribute value: `reader.string()`, cached. */
export function readText(reader: Reader): string {
  return cachedString(reader, valueCache, false);
}
