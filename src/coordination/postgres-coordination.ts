/**
 * Coordination of several imbridge instances through one PostgreSQL database: idempotency keys
 * and their answers in a table, the guard's keyed locks as session advisory locks, and shared
 * adapter state in a key-value table. An instance may die at any point: its advisory locks go
 * with its connections, and an idempotency key it left running is taken over once its lease ends.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { IdempotencyStore, MemoryKeyedLock, idempotencyKeyHash, idempotencyMismatch, type Idempotency, type KeyedLock, type SharedState, type StoredAnswer } from '../runtime/index.js';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS imbridge_idempotency (
    id TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('running', 'done')),
    status INTEGER,
    body TEXT,
    lease_until BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS imbridge_idempotency_expiry ON imbridge_idempotency (expires_at);
  CREATE TABLE IF NOT EXISTS imbridge_state (
    namespace TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    expires_at BIGINT,
    PRIMARY KEY (namespace, key)
  );
`;

/** The advisory lock the coordination tables are created under (instances may start together). */
const SCHEMA_LOCK = 7_246_151_403;

export async function migrateCoordination(pool: pg.Pool): Promise<void> {
  const connection = await pool.connect();
  try {
    await connection.query('BEGIN');
    await connection.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
    await connection.query(SCHEMA);
    await connection.query('COMMIT');
  } catch (error) {
    await connection.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    connection.release();
  }
}

export interface PostgresIdempotencyOptions {
  ttlMs?: number;
  /** How long a first call may run before another instance takes its key over (default 60 s). */
  leaseMs?: number;
  now?: () => number;
}

/**
 * The first answer per scope+key, kept in PostgreSQL for every instance. The first caller claims
 * the key with a row marked `running`; a repeat elsewhere waits for it to become `done` and
 * replays it, or, if the first caller failed (the row is deleted) or died (its lease ran out),
 * claims the key itself.
 */
export class PostgresIdempotencyStore implements Idempotency {
  private readonly ttlMs: number;
  private readonly leaseMs: number;
  private readonly now: () => number;
  private sweptAt = 0;

  constructor(
    private readonly pool: pg.Pool,
    options: PostgresIdempotencyOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 24 * 60 * 60 * 1000;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  async run(scope: string, key: string, body: unknown, work: () => Promise<StoredAnswer>): Promise<StoredAnswer & { replayed: boolean }> {
    const id = idempotencyKeyHash(scope, key);
    const fingerprint = IdempotencyStore.fingerprint(body);
    await this.sweep();
    for (;;) {
      const now = this.now();
      const claimed = await this.pool.query(
        `INSERT INTO imbridge_idempotency (id, fingerprint, state, lease_until, expires_at) VALUES ($1, $2, 'running', $3, $4)
         ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint, state = 'running', status = NULL, body = NULL,
                                        lease_until = excluded.lease_until, expires_at = excluded.expires_at
          WHERE imbridge_idempotency.expires_at < $5 OR (imbridge_idempotency.state = 'running' AND imbridge_idempotency.lease_until < $5)
         RETURNING id`,
        [id, fingerprint, now + this.leaseMs, now + this.ttlMs, now],
      );
      if (claimed.rowCount === 1) {
        let answer: StoredAnswer;
        try {
          answer = await work();
        } catch (error) {
          // Only successful answers are kept: the key may be retried.
          await this.pool.query("DELETE FROM imbridge_idempotency WHERE id = $1 AND state = 'running'", [id]);
          throw error;
        }
        await this.pool.query("UPDATE imbridge_idempotency SET state = 'done', status = $2, body = $3, expires_at = $4 WHERE id = $1", [
          id,
          answer.status,
          JSON.stringify(answer.body ?? null),
          this.now() + this.ttlMs,
        ]);
        return { ...answer, replayed: false };
      }
      const row = (
        await this.pool.query<{ fingerprint: string; state: string; status: number | null; body: string | null }>(
          'SELECT fingerprint, state, status, body FROM imbridge_idempotency WHERE id = $1',
          [id],
        )
      ).rows[0];
      if (row === undefined) continue;
      if (row.fingerprint !== fingerprint) throw idempotencyMismatch();
      if (row.state === 'done') return { status: row.status!, body: JSON.parse(row.body ?? 'null') as unknown, replayed: true };
      // The first call still runs, here or on another instance.
      await sleep(25);
    }
  }

  /** Expired answers are deleted now and then (at most once a minute per instance), not on every call. */
  private async sweep(): Promise<void> {
    const now = this.now();
    if (now - this.sweptAt < 60_000) return;
    this.sweptAt = now;
    await this.pool.query("DELETE FROM imbridge_idempotency WHERE expires_at < $1 AND state = 'done'", [now]).catch(() => undefined);
  }
}

/**
 * The guard's keyed lock across instances: a session advisory lock per key, taken in one global
 * order (so two callers cannot deadlock) on a connection held for the work. Callers of the same
 * process queue in memory first, so a hot key holds one connection, not one per waiting call.
 */
export class PostgresKeyedLock implements KeyedLock {
  private readonly local = new MemoryKeyedLock();

  constructor(private readonly pool: pg.Pool) {}

  run<Result>(keys: readonly string[], work: () => Promise<Result>): Promise<Result> {
    return this.local.run(keys, async () => {
      const connection = await this.pool.connect();
      let broken: Error | undefined;
      try {
        for (const key of [...new Set(keys)].sort()) await connection.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [key]);
        return await work();
      } finally {
        try {
          await connection.query('SELECT pg_advisory_unlock_all()');
        } catch (error) {
          // A connection that cannot unlock is closed, which releases its locks too.
          broken = error instanceof Error ? error : new Error(String(error));
        }
        connection.release(broken);
      }
    });
  }
}

export class PostgresSharedState implements SharedState {
  constructor(
    private readonly pool: pg.Pool,
    private readonly now: () => number = Date.now,
  ) {}

  async get(namespace: string, key: string): Promise<string | undefined> {
    const row = (
      await this.pool.query<{ value: string }>('SELECT value FROM imbridge_state WHERE namespace = $1 AND key = $2 AND (expires_at IS NULL OR expires_at > $3)', [
        namespace,
        key,
        this.now(),
      ])
    ).rows[0];
    return row?.value;
  }

  async getMany(namespace: string, keys: readonly string[]): Promise<Map<string, string>> {
    if (keys.length === 0) return new Map();
    const rows = (
      await this.pool.query<{ key: string; value: string }>(
        'SELECT key, value FROM imbridge_state WHERE namespace = $1 AND key = ANY($2::text[]) AND (expires_at IS NULL OR expires_at > $3)',
        [namespace, keys, this.now()],
      )
    ).rows;
    return new Map(rows.map((row) => [row.key, row.value]));
  }

  async claimMany(namespace: string, entries: ReadonlyMap<string, string>, ttlMs?: number): Promise<Map<string, string>> {
    if (entries.size === 0) return new Map();
    const now = this.now();
    // One statement: an expired row is replaced, a live one kept, and every key's value answered.
    // A row another instance inserted in between is not visible to RETURNING, hence the read after.
    await this.pool.query(
      `INSERT INTO imbridge_state (namespace, key, value, expires_at)
       SELECT $1, key, value, $4 FROM unnest($2::text[], $3::text[]) AS claimed(key, value)
       ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at
       WHERE imbridge_state.expires_at IS NOT NULL AND imbridge_state.expires_at <= $5`,
      [namespace, [...entries.keys()], [...entries.values()], ttlMs === undefined ? null : now + ttlMs, now],
    );
    const kept = await this.getMany(namespace, [...entries.keys()]);
    // A key whose value expired between the two statements still answers what was claimed.
    for (const [key, value] of entries) if (!kept.has(key)) kept.set(key, value);
    return kept;
  }

  async set(namespace: string, key: string, value: string, ttlMs?: number): Promise<void> {
    await this.pool.query(
      `INSERT INTO imbridge_state (namespace, key, value, expires_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
      [namespace, key, value, ttlMs === undefined ? null : this.now() + ttlMs],
    );
  }

  async delete(namespace: string, key: string): Promise<void> {
    await this.pool.query('DELETE FROM imbridge_state WHERE namespace = $1 AND key = $2', [namespace, key]);
  }
}
