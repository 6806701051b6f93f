/**
 * The native backend's store: one SQLite database (better-sqlite3). The `sqlite` driver keeps it
 * in a file in WAL mode; the `memory` driver keeps the very same schema in an in-memory database,
 * so both drivers share every statement and every policy rule.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export interface StoreOptions {
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
  // 2: change records written in the change's own transaction, until the event kit has them (native-outbox.ts).
  `
  CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    record TEXT NOT NULL
  );
  `,
];

export function openDatabase(options: StoreOptions): Database.Database {
  let database: Database.Database;
  if (options.driver === 'memory') {
    database = new Database(':memory:');
  } else {
    const path = options.path ?? DEFAULT_DATABASE_PATH;
    mkdirSync(dirname(path), { recursive: true });
    database = new Database(path);
    database.pragma('journal_mode = WAL');
    // WAL with NORMAL sync loses no committed data on a process crash, only on power loss.
    database.pragma('synchronous = NORMAL');
    database.pragma('busy_timeout = 5000');
  }
  database.pragma('foreign_keys = ON');
  migrate(database);
  return database;
}

function migrate(database: Database.Database): void {
  const current = database.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`database schema version ${current} is newer than this imbridge (${MIGRATIONS.length}); upgrade imbridge`);
  }
  for (let version = current; version < MIGRATIONS.length; version += 1) {
    database.transaction(() => {
      database.exec(MIGRATIONS[version]!);
      database.pragma(`user_version = ${version + 1}`);
    })();
  }
}
