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
