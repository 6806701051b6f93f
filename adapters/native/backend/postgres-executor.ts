/**
 * The PostgreSQL driver of the SQL executor, over a `pg` connection pool. A transaction holds one
 * pooled connection and runs SERIALIZABLE: every policy check and its write then behave as if
 * transactions ran one after another, across every imbridge instance on the database, without
 * the backend naming the rows it will touch. PostgreSQL may abort one side of a race
 * (serialization failure, deadlock); the transaction is then run again from the start, which is
 * why changes are reported only after commit.
 */
import pg from 'pg';
import { TransactionScope, numberedPlaceholders, runCommitted, type SqlExecutor, type TransactionState } from './sql-executor.js';

/** SQLSTATEs after which the same transaction may succeed when run again. */
const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 30;

/**
 * int8 as a JavaScript number: the store's int8 columns hold millisecond times and counts, far
 * below 2^53, and the backend compares them as numbers (SQLite hands back numbers too).
 */
const parseInt8 = (value: string): number => Number(value);
const TYPES = {
  getTypeParser: (oid: number, format?: string): unknown =>
    oid === pg.types.builtins.INT8 ? parseInt8 : pg.types.getTypeParser(oid, (format ?? 'text') as 'text'),
} as unknown as pg.CustomTypesConfig;

export interface PostgresPoolOptions {
  /** Connections at most (default 10). */
  max?: number;
  /** A connection idle this long is closed (default 10,000 ms). */
  idleTimeoutMs?: number;
  /** Waiting this long for a connection fails the call (default 10,000 ms). */
  connectionTimeoutMs?: number;
}

export function createPool(url: string, options: PostgresPoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    idleTimeoutMillis: options.idleTimeoutMs ?? 10_000,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 10_000,
    types: TYPES,
  });
  // An idle connection the server dropped must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  return pool;
}

function isRetryable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && RETRYABLE.has(String((error as { code?: unknown }).code));
}

export class PostgresExecutor implements SqlExecutor {
  readonly dialect = 'postgres' as const;
  private readonly scope = new TransactionScope<pg.PoolClient>();

  constructor(readonly pool: pg.Pool) {}

  private async query<Row>(sql: string, parameters: readonly unknown[]): Promise<pg.QueryResult<Row & pg.QueryResultRow>> {
    const connection = this.scope.current()?.connection ?? this.pool;
    return connection.query<Row & pg.QueryResultRow>(numberedPlaceholders(sql), parameters as unknown[]);
  }

  async get<Row>(sql: string, parameters: readonly unknown[] = []): Promise<Row | undefined> {
    return (await this.query<Row>(sql, parameters)).rows[0];
  }

  async all<Row>(sql: string, parameters: readonly unknown[] = []): Promise<Row[]> {
    return (await this.query<Row>(sql, parameters)).rows;
  }

  async run(sql: string, parameters: readonly unknown[] = []): Promise<{ changes: number }> {
    return { changes: (await this.query(sql, parameters)).rowCount ?? 0 };
  }

  async transaction<Result>(work: () => Promise<Result>): Promise<Result> {
    if (this.scope.current()) return work();
    for (let attempt = 1; ; attempt += 1) {
      const connection = await this.pool.connect();
      const state: TransactionState<pg.PoolClient> = { connection, committed: [], closing: [] };
      let broken: Error | undefined;
      try {
        await connection.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
        const result = await this.scope.run(state, work);
        await connection.query('COMMIT');
        runCommitted(state);
        return result;
      } catch (error) {
        try {
          await connection.query('ROLLBACK');
        } catch (rollbackError) {
          broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        }
        if (!isRetryable(error) || attempt >= MAX_ATTEMPTS) throw error;
      } finally {
        // A connection whose ROLLBACK failed is in an unknown state: dropped, not reused.
        connection.release(broken);
      }
      // Jittered, growing backoff so that the racers do not collide again in step.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(100, 2 ** attempt)));
    }
  }

  afterCommit(callback: () => void): void {
    this.scope.afterCommit(callback);
  }

  beforeCommit(step: () => Promise<void>): boolean {
    return this.scope.beforeCommit(step);
  }

  /** Idempotent: the host closes every backend it serves, and a test may close it again after. */
  async close(): Promise<void> {
    if (this.pool.ended || this.pool.ending) return;
    await this.pool.end();
  }
}
