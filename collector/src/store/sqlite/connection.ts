/**
 * Opening a connection to the store's database, the same way on the reading thread and the writer
 * thread.
 *
 * Durability: WAL journal with `synchronous=FULL`, so every committed write transaction is fsynced
 * before the write call returns. The ingest pipeline drops spans from its own write-ahead log once
 * the store has them; with `synchronous=NORMAL` a power loss could undo the last commits after that,
 * losing acknowledged data. WAL also lets reads run on their own connection while the writer
 * commits: each read sees the last committed state.
 */
import Database from 'better-sqlite3';

/** The writer connection's `wal_autocheckpoint` (see writer.ts): 16,000 pages of 4 KiB, a WAL of ~64 MiB at most. */
export const WRITER_AUTOCHECKPOINT_PAGES = 16_000;

export function openConnection(path: string): Database.Database {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    // The other connection (writer or reader), a second collector or a backup may hold the lock briefly.
    db.pragma('busy_timeout = 5000');
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** The writer thread's connection: `openConnection` plus what writing fast needs. */
export function openWriterConnection(path: string): Database.Database {
  const db = openConnection(path);
  try {
    // A write that changes several rows (an update firing a topology rollup trigger, a write's
    // grouped rollup insert) gets a statement journal to undo it alone on error; in temporary files
    // (the default) that made each insert 2–4× slower. Such a journal is a few pages, so memory
    // costs nothing.
    db.pragma('temp_store = MEMORY');
    // The store's checkpoint thread checkpoints after writes (checkpointer.ts); this is the fallback.
    db.pragma(`wal_autocheckpoint = ${WRITER_AUTOCHECKPOINT_PAGES}`);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
