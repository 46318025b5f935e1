// @ts-check
/**
 * Records of started services in `<cache>/run/`, one JSON file per service and port, so a
 * later `cli.js down` (or `status`) knows what the harness started and how to stop it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isGroupAlive, stopGroup } from './process.js';

/**
 * @param {import('./config.js').HarnessConfig} config
 * @param {import('./types.js').StartedRecord} record
 */
function recordFile(config, record) {
  const port = /:(\d+)(?:\/|$)/.exec(record.address)?.[1] ?? 'default';
  return path.join(config.runDir, `${record.service}-${port}.json`);
}

/**
 * @param {import('./config.js').HarnessConfig} config
 * @param {import('./types.js').StartedRecord} record
 */
export function writeRecord(config, record) {
  fs.mkdirSync(config.runDir, { recursive: true });
  const file = recordFile(config, record);
  fs.writeFileSync(`${file}.tmp`, `${JSON.stringify(record, null, 2)}\n`);
  fs.renameSync(`${file}.tmp`, file);
}

/**
 * @param {import('./config.js').HarnessConfig} config
 * @returns {import('./types.js').StartedRecord[]}
 */
export function readRecords(config) {
  let names;
  try {
    names = fs.readdirSync(config.runDir).filter((name) => name.endsWith('.json'));
  } catch {
    return [];
  }
  /** @type {import('./types.js').StartedRecord[]} */
  const records = [];
  for (const name of names) {
    try {
      records.push(JSON.parse(fs.readFileSync(path.join(config.runDir, name), 'utf8')));
    } catch {
      // Half-written or hand-edited: not ours to act on.
    }
  }
  return records;
}

/** @param {import('./types.js').StartedRecord} record */
export function isRecordAlive(record) {
  return isGroupAlive(record.pid);
}

/**
 * Stops the server's process group, deletes its temp dir (data and logs) unless asked to keep
 * it, and forgets the record.
 * @param {import('./config.js').HarnessConfig} config
 * @param {import('./types.js').StartedRecord} record
 * @param {{ keepDir?: boolean }} [options] keepDir: the start failed, its logs explain why
 * @returns {Promise<boolean>} whether the dir was kept
 */
export async function stopRecord(config, record, options = {}) {
  await stopGroup(record.pid);
  const keep = config.keepDirs || options.keepDir === true;
  if (!keep) fs.rmSync(record.dir, { recursive: true, force: true });
  fs.rmSync(recordFile(config, record), { force: true });
  return keep;
}
