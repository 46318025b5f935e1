/**
 * `--pin-elasticsearch`: Elasticsearch on a core of its own while the ingest bench measures it,
 * the bench and the collector beside it on the others. That is the deployment's shape
 * (Elasticsearch on its own machines, the collector beside the apps); with everything on two
 * shared cores, Elasticsearch's own CPU per span caps the collector ÷ limit ratio well below 0.8
 * whatever the collector does (docs/performance.md, eighth round).
 *
 * Affinity is set with util-linux `taskset` on every thread (`-a`), so Linux only, and only on an
 * Elasticsearch this run started: its whole process group (launcher and server JVM), never a
 * process somebody else runs. Child processes the bench spawns afterwards (the collectors) inherit
 * its affinity. `restore()` puts every mask back as it was.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface CpuPinning {
  /** CPUs Elasticsearch runs on, e.g. "0". */
  elasticsearchCpus: string;
  /** CPUs the bench and its collectors run on, e.g. "1". */
  benchCpus: string;
  restore(): void;
}

/** Pins the processes of `processGroup` to the first CPU this process may use and this process to the rest. */
export function pinElasticsearch(processGroup: number): CpuPinning {
  if (process.platform !== 'linux') throw new Error('--pin-elasticsearch needs Linux (it sets CPU affinity with taskset)');
  const own = affinity(process.pid);
  const [elasticsearchCpu, ...benchCpus] = own;
  if (elasticsearchCpu === undefined || benchCpus.length === 0) {
    throw new Error(`--pin-elasticsearch needs at least two CPUs; this process may use only ${own.join(',')}`);
  }
  const members = processesInGroup(processGroup);
  if (members.length === 0) throw new Error(`--pin-elasticsearch: no process left in Elasticsearch's process group ${processGroup}`);
  const saved = new Map<number, number[]>([[process.pid, own]]);
  try {
    for (const pid of members) {
      saved.set(pid, affinity(pid));
      setAffinity(pid, [elasticsearchCpu]);
    }
    setAffinity(process.pid, benchCpus);
  } catch (err) {
    restoreAll(saved);
    throw err;
  }
  return { elasticsearchCpus: String(elasticsearchCpu), benchCpus: benchCpus.join(','), restore: () => restoreAll(saved) };
}

function restoreAll(saved: Map<number, number[]>): void {
  for (const [pid, cpus] of saved) {
    try {
      setAffinity(pid, cpus);
    } catch {
      // The process is gone (a JVM launcher that exited): nothing to put back.
    }
  }
}

/** The CPUs `pid` may run on, from `taskset -p -c` ("pid 12's current affinity list: 0-2,4"). */
export function affinity(pid: number): number[] {
  const out = execFileSync('taskset', ['-p', '-c', String(pid)], { encoding: 'utf8' });
  const list = /affinity list:\s*([\d,-]+)/.exec(out)?.[1];
  if (!list) throw new Error(`could not read the CPU affinity of ${pid} from taskset: ${out.trim()}`);
  return parseCpuList(list);
}

/** "0-2,4" → [0, 1, 2, 4] */
export function parseCpuList(list: string): number[] {
  return list.split(',').flatMap((part) => {
    const bounds = part.split('-').map(Number);
    const from = bounds[0] ?? Number.NaN;
    const to = bounds[1] ?? from;
    if (bounds.length > 2 || !Number.isInteger(from) || !Number.isInteger(to) || to < from) throw new Error(`bad CPU list "${list}"`);
    return Array.from({ length: to - from + 1 }, (_, i) => from + i);
  });
}

function setAffinity(pid: number, cpus: number[]): void {
  execFileSync('taskset', ['-a', '-p', '-c', cpus.join(','), String(pid)], { stdio: 'ignore' });
}

/** Live processes whose process group is `processGroup` (from /proc/<pid>/stat). */
function processesInGroup(processGroup: number): number[] {
  const members: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    // After the command name (in parentheses, which may itself hold spaces): state, ppid, pgrp, …
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] !== 'Z' && Number(fields[2]) === processGroup) members.push(Number(name));
  }
  return members;
}
