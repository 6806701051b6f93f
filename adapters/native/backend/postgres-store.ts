/**
 * The native backend's PostgreSQL store: the SQLite schema (`sqlite-store.ts`) in PostgreSQL's
 * types, so the backend's statements run unchanged on both. Text keys are `COLLATE "C"` so that
 * PostgreSQL orders them byte-wise as SQLite does: keyset cursors and page order then do not
 * depend on the database's locale.
 */
import type pg from 'pg';
import { PostgresExecutor, createPool, type PostgresPoolOptions } from './postgres-executor.js';

export interface PostgresStoreOptions {
  driver: 'postgres';
  /** postgres://user:password@host:port/database */
  url: string;
  pool?: PostgresPoolOptions;
}

const ID = 'TEXT COLLATE "C" NOT NULL';

/** Schema versions, applied in order; the table `imbridge_schema` records the last one applied. */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE users (
    uid ${ID} PRIMARY KEY,
    name TEXT,
    extra TEXT,
    created_at BIGINT NOT NULL
  );
  CREATE TABLE friends (
    owner ${ID},
    friend ${ID},
    alias TEXT,
    extra TEXT,
    since BIGINT NOT NULL,
    PRIMARY KEY (owner, friend)
  );
  CREATE TABLE friend_requests (
    from_uid ${ID},
    to_uid ${ID},
    message TEXT,
    status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected')),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (from_uid, to_uid)
  );
  CREATE INDEX friend_requests_incoming ON friend_requests (to_uid, created_at DESC, from_uid);
  CREATE INDEX friend_requests_outgoing ON friend_requests (from_uid, created_at DESC, to_uid);
  CREATE TABLE blocks (
    owner ${ID},
    blocked ${ID},
    since BIGINT NOT NULL,
    PRIMARY KEY (owner, blocked)
  );
  CREATE TABLE user_whitelist (
    owner ${ID},
    allowed ${ID},
    PRIMARY KEY (owner, allowed)
  );
  CREATE TABLE rooms (
    kind TEXT COLLATE "C" NOT NULL CHECK (kind IN ('group', 'chatroom')),
    id ${ID},
    name TEXT NOT NULL,
    owner ${ID},
    mute_all INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (kind, id)
  );
  CREATE TABLE members (
    kind TEXT COLLATE "C" NOT NULL,
    room_id ${ID},
    uid ${ID},
    role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
    joined_at BIGINT NOT NULL,
    PRIMARY KEY (kind, room_id, uid)
  );
  CREATE INDEX members_in_order ON members (kind, room_id, (CASE role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 ELSE 2 END), joined_at, uid);
  CREATE TABLE mutes (
    kind TEXT COLLATE "C" NOT NULL,
    room_id ${ID},
    uid ${ID},
    until_ms BIGINT, -- NULL: until unmuted
    PRIMARY KEY (kind, room_id, uid)
  );
  CREATE TABLE room_whitelist (
    kind TEXT COLLATE "C" NOT NULL,
    room_id ${ID},
    uid ${ID},
    PRIMARY KEY (kind, room_id, uid)
  );
  CREATE TABLE room_blocks (
    kind TEXT COLLATE "C" NOT NULL,
    room_id ${ID},
    uid ${ID},
    since BIGINT NOT NULL,
    PRIMARY KEY (kind, room_id, uid)
  );
  CREATE TABLE conversations (
    owner ${ID},
    peer_type TEXT COLLATE "C" NOT NULL CHECK (peer_type IN ('user', 'group', 'chatroom')),
    peer_id ${ID},
    unread INTEGER NOT NULL DEFAULT 0,
    last_message_at BIGINT,
    PRIMARY KEY (owner, peer_type, peer_id)
  );
  CREATE INDEX conversations_recent ON conversations (owner, last_message_at DESC NULLS LAST, peer_type, peer_id);
  CREATE TABLE messages (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    from_uid ${ID},
    peer_type TEXT NOT NULL,
    peer_id ${ID},
    text TEXT NOT NULL,
    sent_at BIGINT NOT NULL
  );
  `,
  // 2: change records written in the change's own transaction, until the event kit has them (native-outbox.ts).
  `
  CREATE TABLE outbox (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    record TEXT NOT NULL
  );
  `,
];

export const POSTGRES_SCHEMA_VERSION = MIGRATIONS.length;

/** Any 64-bit number both imbridge versions agree on: the advisory lock migrations queue on. */
const MIGRATION_LOCK = 7_246_151_402;

/** The URL without its password, for error messages and logs. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return 'the configured url (unparsable)';
  }
}

/**
 * Applies the missing schema versions in one transaction that first takes an advisory lock:
 * instances starting together queue on it, and each finds what the first one applied.
 */
async function migrate(pool: pg.Pool): Promise<void> {
  const connection = await pool.connect();
  try {
    await connection.query('BEGIN');
    await connection.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await connection.query('CREATE TABLE IF NOT EXISTS imbridge_schema (version INTEGER NOT NULL)');
    const row = (await connection.query<{ version: number }>('SELECT version FROM imbridge_schema')).rows[0];
    const current = row?.version ?? 0;
    if (current > MIGRATIONS.length) {
      throw new Error(`database schema version ${current} is newer than this imbridge (${MIGRATIONS.length}); upgrade imbridge`);
    }
    for (let version = current; version < MIGRATIONS.length; version += 1) await connection.query(MIGRATIONS[version]!);
    if (row === undefined) await connection.query('INSERT INTO imbridge_schema (version) VALUES ($1)', [MIGRATIONS.length]);
    else await connection.query('UPDATE imbridge_schema SET version = $1', [MIGRATIONS.length]);
    await connection.query('COMMIT');
  } catch (error) {
    await connection.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    connection.release();
  }
}

/** Connects, migrates, and hands back the executor; a database it cannot reach fails here, by name. */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresExecutor> {
  const pool = createPool(options.url, options.pool);
  try {
    await migrate(pool);
  } catch (error) {
    await pool.end().catch(() => undefined);
    const reason = error instanceof Error ? error.message || (error as { code?: string }).code || error.name : String(error);
    throw new Error(`cannot open the PostgreSQL store at ${describeUrl(options.url)}: ${reason}`, { cause: error });
  }
  return new PostgresExecutor(pool);
}
