/**
 * Decoding of `__consumer_offsets` record keys. Kafka's group coordinator writes every record with a
 * key that starts with an int16 version (the record type): 0 and 1 are offset commit keys
 * (`OffsetCommitKey`: group string, topic string, partition int32), 2 is group metadata, 3 and up are
 * the new consumer protocol's records. Strings are int16 length + UTF-8. Only the key is decoded:
 * the value's layout changes between Kafka versions and the lag source only counts commits.
 */

export interface OffsetCommitKey {
  group: string;
  topic: string;
  partition: number;
}

/** The commit key in `key`, or undefined for other record types and malformed keys (never throws). */
export function decodeOffsetCommitKey(key: Buffer | null | undefined): OffsetCommitKey | undefined {
  if (!key || key.length < 2) return undefined;
  const version = key.readInt16BE(0);
  if (version !== 0 && version !== 1) return undefined;
  const group = readString(key, 2);
  if (!group) return undefined;
  const topic = readString(key, group.next);
  if (!topic || topic.next + 4 > key.length) return undefined;
  return { group: group.value, topic: topic.value, partition: key.readInt32BE(topic.next) };
}

function readString(buffer: Buffer, offset: number): { value: string; next: number } | undefined {
  if (offset + 2 > buffer.length) return undefined;
  const length = buffer.readInt16BE(offset);
  const start = offset + 2;
  // A null string (-1) cannot name a group or topic.
  if (length < 0 || start + length > buffer.length) return undefined;
  return { value: buffer.toString('utf8', start, start + length), next: start + length };
}
