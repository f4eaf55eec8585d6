/**
 * One daemon per user: an fcntl lock that the kernel releases when its holder dies, taken through
 * SQLite's exclusive locking mode on a small lock database. (A write in EXCLUSIVE locking mode
 * keeps the file's POSIX lock until the connection closes; a second connection, from this process
 * or another, gets SQLITE_BUSY.) No pid file is trusted: the lock is the truth.
 */
import { Database } from "bun:sqlite";

export interface DaemonLock {
  /** Releases the lock (closing the connection). */
  release(): void;
}

/** Takes the lock, or returns null when another process holds it. */
export function tryLock(path: string): DaemonLock | null {
  let db: Database;
  try {
    db = new Database(path, { create: true });
  } catch {
    return null;
  }
  try {
    db.exec("PRAGMA busy_timeout = 0");
    db.exec("PRAGMA locking_mode = EXCLUSIVE");
    db.exec("BEGIN EXCLUSIVE");
    db.exec("CREATE TABLE IF NOT EXISTS holder (pid INTEGER, since TEXT)");
    db.exec("DELETE FROM holder");
    db.query("INSERT INTO holder VALUES (?, ?)").run(process.pid, new Date().toISOString());
    db.exec("COMMIT");
  } catch {
    try {
      db.close();
    } catch {
      // nothing to release
    }
    return null;
  }
  held.add(db); // a collected connection would drop the lock
  return {
    release() {
      if (!held.delete(db)) return;
      try {
        db.close();
      } catch {
        // already closed
      }
    },
  };
}

const held = new Set<Database>();

/** Is the lock held by someone (this process included)? Takes and drops it to find out. */
export function isLocked(path: string): boolean {
  const lock = tryLock(path);
  if (!lock) return true;
  lock.release();
  return false;
}
