/**
 * One writer per WAL directory: two collectors appending to (and deleting) the same segments would
 * lose acknowledged data. The lock is a `LOCK` file holding the owner's pid; a lock whose process is
 * gone (a crash) is taken over.
 */
import { open, readFile, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** Directories locked by this process: a pid match alone cannot tell "ours" from "left by a crash of a process that had our pid". */
const heldHere = new Set<string>();

export class WalLock {
  private constructor(
    private readonly path: string,
    private readonly key: string,
  ) {}

  static async acquire(dir: string): Promise<WalLock> {
    const key = resolve(dir);
    if (heldHere.has(key)) throw new Error(`WAL directory ${dir} is already open in this process`);
    const path = join(dir, 'LOCK');
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const handle = await open(path, 'wx');
        await handle.writeFile(String(process.pid));
        await handle.close();
        heldHere.add(key);
        return new WalLock(path, key);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const owner = Number((await readFile(path, 'utf8').catch(() => '')).trim());
        if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
          throw new Error(`WAL directory ${dir} is in use by process ${owner}; each collector needs its own --data-dir`);
        }
        await unlink(path).catch(() => undefined);
      }
    }
    throw new Error(`could not lock WAL directory ${dir}`);
  }

  async release(): Promise<void> {
    heldHere.delete(this.key);
    await unlink(this.path).catch(() => undefined);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
