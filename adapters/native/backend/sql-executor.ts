/**
 * The native backend's one seam to its database: a few async statement calls and a transaction,
 * with a driver per database (`sqlite-executor.ts`, `postgres-executor.ts`). Statements use `?`
 * placeholders whatever the driver, so the backend keeps a single copy of each.
 *
 * A transaction is carried by the async context (AsyncLocalStorage), not by an argument: any
 * statement issued while `transaction(work)` runs, however deep in the call, joins it, and a
 * nested `transaction` joins the outer one.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export type SqlDialect = 'sqlite' | 'postgres';

export interface SqlExecutor {
  readonly dialect: SqlDialect;
  get<Row>(sql: string, parameters?: readonly unknown[]): Promise<Row | undefined>;
  all<Row>(sql: string, parameters?: readonly unknown[]): Promise<Row[]>;
  /** A statement for its effect; `changes` is the number of rows it wrote. */
  run(sql: string, parameters?: readonly unknown[]): Promise<{ changes: number }>;
  /**
   * `work` in one transaction, all of it or none. It may run more than once (PostgreSQL retries a
   * transaction that lost a serialization race), so what must happen once goes to `afterCommit`.
   */
  transaction<Result>(work: () => Promise<Result>): Promise<Result>;
  /** Runs `callback` once the current transaction commits (never if it rolls back); at once outside one. */
  afterCommit(callback: () => void): void;
  /**
   * Runs `step` inside the current transaction, after its work and just before COMMIT (so a
   * record of the change commits or rolls back with it); false, and nothing run, outside one.
   */
  beforeCommit(step: () => Promise<void>): boolean;
  close(): Promise<void>;
}

/** What one open transaction carries through the async context. */
export interface TransactionState<Connection> {
  connection: Connection;
  committed: Array<() => void>;
  /** Steps run inside the transaction once its work is done, before COMMIT. */
  closing: Array<() => Promise<void>>;
}

/** The transaction bookkeeping both drivers share. */
export class TransactionScope<Connection> {
  private readonly storage = new AsyncLocalStorage<TransactionState<Connection>>();

  current(): TransactionState<Connection> | undefined {
    return this.storage.getStore();
  }

  /** `work` inside the transaction, then the steps queued to run before its COMMIT. */
  run<Result>(state: TransactionState<Connection>, work: () => Promise<Result>): Promise<Result> {
    return this.storage.run(state, async () => {
      const result = await work();
      for (const step of state.closing) await step();
      return result;
    });
  }

  beforeCommit(step: () => Promise<void>): boolean {
    const state = this.storage.getStore();
    if (!state) return false;
    state.closing.push(step);
    return true;
  }

  afterCommit(callback: () => void): void {
    const state = this.storage.getStore();
    if (state) state.committed.push(callback);
    else callback();
  }
}

/** Runs what waited for a commit; one failing callback does not keep the others from running. */
export function runCommitted(state: TransactionState<unknown>): void {
  for (const callback of state.committed) {
    try {
      callback();
    } catch {
      // Callbacks report their own failures (emitChange logs); the commit stands either way.
    }
  }
}

/** `?` placeholders as PostgreSQL's `$1`, `$2`…; the backend's statements hold no `?` in literals. */
export function numberedPlaceholders(sql: string): string {
  let index = 0;
  return sql.replace(/\?/g, () => `$${(index += 1)}`);
}

/** `?, ?, ?` for an IN list of `count` values. */
export function placeholders(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}
