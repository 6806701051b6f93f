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
  /** Settles when the open transaction ends; null when none is open. */
  private open: Promise<void> | null = null;

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
   * What to wait for before running: the open transaction of another request, or nothing (none is
   * open, or this is the caller's own). Callers loop on it in their own body, so that the check and
   * the statement run in one synchronous stretch: returning from a helper `async` function would
   * leave a microtask in between in which another caller could begin a transaction.
   */
  private blocker(): Promise<void> | null {
    return this.scope.current() ? null : this.open;
  }

  async get<Row>(sql: string, parameters: readonly unknown[] = []): Promise<Row | undefined> {
    for (let wait = this.blocker(); wait; wait = this.blocker()) await wait;
    return this.prepare(sql).get(...parameters) as Row | undefined;
  }

  async all<Row>(sql: string, parameters: readonly unknown[] = []): Promise<Row[]> {
    for (let wait = this.blocker(); wait; wait = this.blocker()) await wait;
    return this.prepare(sql).all(...parameters) as Row[];
  }

  async run(sql: string, parameters: readonly unknown[] = []): Promise<{ changes: number }> {
    for (let wait = this.blocker(); wait; wait = this.blocker()) await wait;
    return { changes: this.prepare(sql).run(...parameters).changes };
  }

  async transaction<Result>(work: () => Promise<Result>): Promise<Result> {
    if (this.scope.current()) return work();
    for (let wait = this.open; wait; wait = this.open) await wait;
    let finished!: () => void;
    this.open = new Promise<void>((resolve) => (finished = resolve));
    const state: TransactionState<Database.Database> = { connection: this.database, committed: [] };
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
      this.open = null;
      finished();
    }
  }

  afterCommit(callback: () => void): void {
    this.scope.afterCommit(callback);
  }

  async close(): Promise<void> {
    for (let wait = this.blocker(); wait; wait = this.blocker()) await wait;
    if (this.database.open) this.database.close();
  }
}
