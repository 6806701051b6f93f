/**
 * The SQLite driver of the SQL executor, over better-sqlite3. Its calls are synchronous, so the
 * async API is a thin shell; what it must add is isolation: one connection serves every request,
 * and a transaction now spans awaits, so while one is open every other statement and transaction
 * of this process waits for it (otherwise a read would see, or a write would join, another
 * request's unfinished transaction). Other processes on the same file wait on SQLite's own lock
 * (BEGIN IMMEDIATE with a busy timeout).
 */
import type Database from 'better-sqlite3';
import { TransactionScope, runCommitted, type SqlExecutor, type TransactionState } from './sql-executor.js';

export class SqliteExecutor implements SqlExecutor {
  readonly dialect = 'sqlite' as const;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly scope = new TransactionScope<Database.Database>();
  /** Whether a caller holds the connection (an open transaction, or a statement running). */
  private busy = false;
  /** Callers waiting for it, first come first served; each is handed the connection in turn. */
  private readonly waiting: Array<() => void> = [];

  constructor(readonly database: Database.Database) {}

  /** Prepared once per SQL text; better-sqlite3 statements are reusable and fast. */
  private prepare(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.database.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /**
   * Takes the connection: at once (null) when it is free, else a promise settled when the caller
   * before hands it over. The hand-over keeps `busy` set, so no one slips in between (a flag
   * checked again after an await would let two waiters both begin).
   */
  private acquire(): Promise<void> | null {
    if (!this.busy) {
      this.busy = true;
      return null;
    }
    return new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.busy = false;
  }

  /** One statement: inside the caller's own transaction at once, else in its turn. */
  private async statement<Result>(execute: () => Result): Promise<Result> {
    if (this.scope.current()) return execute();
    const turn = this.acquire();
    if (turn) await turn;
    try {
      return execute();
    } finally {
      this.release();
    }
  }

  get<Row>(sql: string, parameters: readonly unknown[] = []): Promise<Row | undefined> {
    return this.statement(() => this.prepare(sql).get(...parameters) as Row | undefined);
  }

  all<Row>(sql: string, parameters: readonly unknown[] = []): Promise<Row[]> {
    return this.statement(() => this.prepare(sql).all(...parameters) as Row[]);
  }

  run(sql: string, parameters: readonly unknown[] = []): Promise<{ changes: number }> {
    return this.statement(() => ({ changes: this.prepare(sql).run(...parameters).changes }));
  }

  async transaction<Result>(work: () => Promise<Result>): Promise<Result> {
    if (this.scope.current()) return work();
    const turn = this.acquire();
    if (turn) await turn;
    const state: TransactionState<Database.Database> = { connection: this.database, committed: [], closing: [] };
    try {
      // IMMEDIATE takes the write lock now, so two processes on one file queue here (busy
      // timeout) instead of failing at their first write with SQLITE_BUSY.
      this.database.exec('BEGIN IMMEDIATE');
      let result: Result;
      try {
        result = await this.scope.run(state, work);
        this.database.exec('COMMIT');
      } catch (error) {
        if (this.database.inTransaction) this.database.exec('ROLLBACK');
        throw error;
      }
      runCommitted(state);
      return result;
    } finally {
      this.release();
    }
  }

  afterCommit(callback: () => void): void {
    this.scope.afterCommit(callback);
  }

  beforeCommit(step: () => Promise<void>): boolean {
    return this.scope.beforeCommit(step);
  }

  async close(): Promise<void> {
    await this.statement(() => {
      if (this.database.open) this.database.close();
    });
  }
}
