/**
 * The native backend's SQLite store (better-sqlite3). The `sqlite` driver keeps it in a file in
 * WAL mode; the `memory` driver keeps the very same schema in an in-memory database, so both
 * drivers share every statement and every policy rule. `postgres-store.ts` is the same schema
 * for PostgreSQL.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteExecutor } from './sqlite-executor.js';

export interface SqliteStoreOptions {
  driver: 'sqlite' | 'memory';
  /** File for the sqlite driver. */
  path?: string;
}

export const DEFAULT_DATABASE_PATH = './data/imbridge.db';

/** Schema versions, applied in order; `PRAGMA user_version` records the last one applied. */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE users (
    uid TEXT PRIMARY KEY,
    name TEXT,
    extra TEXT,
    created_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE friends (
    owner TEXT NOT NULL,
    friend TEXT NOT NULL,
    alias TEXT,
    extra TEXT,
    since INTEGER NOT NULL,
    PRIMARY KEY (owner, friend)
  ) WITHOUT ROWID;
  CREATE TABLE friend_requests (
    from_uid TEXT NOT NULL,
    to_uid TEXT NOT NULL,
    message TEXT,
    status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected')),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (from_uid, to_uid)
  ) WITHOUT ROWID;
  CREATE INDEX friend_requests_to ON friend_requests (to_uid, created_at);
  CREATE TABLE blocks (
    owner TEXT NOT NULL,
    blocked TEXT NOT NULL,
    since INTEGER NOT NULL,
    PRIMARY KEY (owner, blocked)
  ) WITHOUT ROWID;
  CREATE TABLE user_whitelist (
    owner TEXT NOT NULL,
    allowed TEXT NOT NULL,
    PRIMARY KEY (owner, allowed)
  ) WITHOUT ROWID;
  CREATE TABLE rooms (
    kind TEXT NOT NULL CHECK (kind IN ('group', 'chatroom')),
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    owner TEXT NOT NULL,
    mute_all INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (kind, id)
  ) WITHOUT ROWID;
  CREATE TABLE members (
    kind TEXT NOT NULL,
    room_id TEXT NOT NULL,
    uid TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
    joined_at INTEGER NOT NULL,
    PRIMARY KEY (kind, room_id, uid)
  ) WITHOUT ROWID;
  CREATE TABLE mutes (
    kind TEXT NOT NULL,
    room_id TEXT NOT NULL,
    uid TEXT NOT NULL,
    until_ms INTEGER, -- NULL: until unmuted
    PRIMARY KEY (kind, room_id, uid)
  ) WITHOUT ROWID;
  CREATE TABLE room_whitelist (
    kind TEXT NOT NULL,
    room_id TEXT NOT NULL,
    uid TEXT NOT NULL,
    PRIMARY KEY (kind, room_id, uid)
  ) WITHOUT ROWID;
  CREATE TABLE room_blocks (
    kind TEXT NOT NULL,
    room_id TEXT NOT NULL,
    uid TEXT NOT NULL,
    since INTEGER NOT NULL,
    PRIMARY KEY (kind, room_id, uid)
  ) WITHOUT ROWID;
  CREATE TABLE conversations (
    owner TEXT NOT NULL,
    peer_type TEXT NOT NULL CHECK (peer_type IN ('user', 'group', 'chatroom')),
    peer_id TEXT NOT NULL,
    unread INTEGER NOT NULL DEFAULT 0,
    last_message_at INTEGER,
    PRIMARY KEY (owner, peer_type, peer_id)
  ) WITHOUT ROWID;
  CREATE INDEX conversations_recent ON conversations (owner, last_message_at DESC);
  CREATE TABLE messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    from_uid TEXT NOT NULL,
    peer_type TEXT NOT NULL,
    peer_id TEXT NOT NULL,
    text TEXT NOT NULL,
    sent_at INTEGER NOT NULL
  );
  `,
  // Every list is a keyset walk in its own order, each served by an index in that order.
  `
  DROP INDEX friend_requests_to;
  CREATE INDEX friend_requests_incoming ON friend_requests (to_uid, created_at DESC, from_uid);
  CREATE INDEX friend_requests_outgoing ON friend_requests (from_uid, created_at DESC, to_uid);
  CREATE INDEX members_in_order ON members (kind, room_id, (CASE role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 ELSE 2 END), joined_at, uid);
  DROP INDEX conversations_recent;
  CREATE INDEX conversations_recent ON conversations (owner, last_message_at DESC, peer_type, peer_id);
  `,
  // 3: change records written in the change's own transaction, until the event kit has them (native-outbox.ts).
  `
  CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    record TEXT NOT NULL
  );
  `,
];

export const SQLITE_SCHEMA_VERSION = MIGRATIONS.length;

/** Sleeps the thread: start-up is synchronous, and nothing else runs before the store is open. */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Switching to WAL needs the file to itself for a moment, and SQLite answers SQLITE_BUSY at once
 * rather than through the busy handler when another process is opening it too, so several
 * instances starting together on a new file retry here instead of crashing.
 */
function enableWal(database: Database.Database): void {
  for (let attempt = 1; ; attempt += 1) {
    try {
      database.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY' || attempt >= 100) throw error;
      pause(10 + Math.random() * 40);
    }
  }
}

export function openDatabase(options: SqliteStoreOptions): Database.Database {
  let database: Database.Database;
  if (options.driver === 'memory') {
    database = new Database(':memory:');
  } else {
    const path = options.path ?? DEFAULT_DATABASE_PATH;
    mkdirSync(dirname(path), { recursive: true });
    database = new Database(path);
    // The busy timeout first: every later step may meet another instance's lock.
    database.pragma('busy_timeout = 5000');
    enableWal(database);
    // WAL with NORMAL sync loses no committed data on a process crash, only on power loss.
    database.pragma('synchronous = NORMAL');
  }
  database.pragma('foreign_keys = ON');
  // SQLite's own lower() folds ASCII only; `?q=` is case-insensitive for every script, as
  // JavaScript folds the query. No index uses lower(), so replacing it changes no stored order.
  database.function('lower', { deterministic: true }, (value: unknown) => (typeof value === 'string' ? value.toLowerCase() : value));
  migrate(database);
  return database;
}

export function openSqliteStore(options: SqliteStoreOptions): SqliteExecutor {
  return new SqliteExecutor(openDatabase(options));
}

/**
 * Applies the missing schema versions. The version is read again after taking the write lock
 * (BEGIN IMMEDIATE), so of several instances starting at once one migrates and the others find
 * the work done.
 */
function migrate(database: Database.Database): void {
  for (;;) {
    database.exec('BEGIN IMMEDIATE');
    try {
      const current = database.pragma('user_version', { simple: true }) as number;
      if (current > MIGRATIONS.length) {
        throw new Error(`database schema version ${current} is newer than this imbridge (${MIGRATIONS.length}); upgrade imbridge`);
      }
      if (current === MIGRATIONS.length) {
        database.exec('COMMIT');
        return;
      }
      database.exec(MIGRATIONS[current]!);
      database.pragma(`user_version = ${current + 1}`);
      database.exec('COMMIT');
    } catch (error) {
      if (database.inTransaction) database.exec('ROLLBACK');
      throw error;
    }
  }
}
