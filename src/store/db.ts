import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { migrations } from './migrations.js';

export type Database = BetterSqlite3.Database;

/** The schema version this code writes: the number of migrations it knows. */
export const SCHEMA_VERSION = migrations.length;

/**
 * Opens (creating if needed) a cookiewatch database and brings its schema up to date.
 * `:memory:` and `''` (a private temporary database) are accepted, for tests.
 */
export function openDatabase(path: string): Database {
  const onDisk = path !== ':memory:' && path !== '';
  if (onDisk) mkdirSync(dirname(path), { recursive: true });

  let db: Database;
  try {
    db = new BetterSqlite3(path);
  } catch (err) {
    throw explain(err, path);
  }
  try {
    // busy_timeout first: switching to WAL needs a lock another process may briefly hold.
    db.pragma('busy_timeout = 10000');
    // The first statement that reads the file: a non-database fails here, not in the constructor.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db);
  } catch (err) {
    db.close();
    throw explain(err, path);
  }
  return db;
}

function userVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function tooNew(found: number): Error {
  return new Error(
    `database schema version ${found} is newer than this cookiewatch understands (${SCHEMA_VERSION}); upgrade cookiewatch`,
  );
}

function migrate(db: Database): void {
  const found = userVersion(db);
  if (found > SCHEMA_VERSION) throw tooNew(found);
  // Up to date: take no write lock, so opening for a report never waits on a scan that is writing.
  if (found === SCHEMA_VERSION) return;

  for (let next = found; next < SCHEMA_VERSION; next++) {
    const sql = migrations[next];
    if (sql === undefined) break;
    db.transaction(() => {
      // Another process may have migrated between our read and this write lock: re-check under the lock.
      const now = userVersion(db);
      if (now > SCHEMA_VERSION) throw tooNew(now);
      if (now !== next) return;
      db.exec(sql);
      db.pragma(`user_version = ${next + 1}`);
    }).immediate();
  }
}

/** Turns SQLite's codes for "wrong file" into messages a user can act on; anything else passes through. */
function explain(err: unknown, path: string): unknown {
  if (!(err instanceof BetterSqlite3.SqliteError)) return err;
  switch (err.code) {
    case 'SQLITE_NOTADB':
      return new Error(`${path} is not a SQLite database (is this the right file?)`, { cause: err });
    case 'SQLITE_CORRUPT':
      return new Error(`the database ${path} is corrupt: ${err.message}`, { cause: err });
    case 'SQLITE_CANTOPEN':
      return new Error(`cannot open the database ${path}: ${err.message}`, { cause: err });
    default:
      return err;
  }
}
