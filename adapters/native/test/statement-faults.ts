/**
 * A fault hook for the native store, the counterpart of a vendor fake's: every statement the
 * backend executes is logged, and the nth from a fault's start fails as a broken store would
 * (an INTERNAL error from inside the transaction). The backdoor keeps its own connection, so its
 * reads are neither logged nor failed.
 */
import type { SqlExecutor } from '../backend/index.js';
import { ImBridgeError } from '../../../src/spec/index.js';
import type { FaultHook, FaultSpec } from '../../../src/testing/index.js';

export class StatementFaults implements FaultHook {
  readonly requests: string[] = [];
  private faults: Array<{ nth: number; times: number; seen: number }> = [];

  addFault(spec: FaultSpec): void {
    this.faults.push({ nth: spec.nth ?? 1, times: spec.times ?? 1, seen: 0 });
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** `store` as the backend should see it: each statement execution logged and maybe failed. */
  wrap(store: SqlExecutor): SqlExecutor {
    const hook = (sql: string) => this.executing(sql);
    return {
      dialect: store.dialect,
      get: async (sql, parameters) => (hook(sql), store.get(sql, parameters)),
      all: async (sql, parameters) => (hook(sql), store.all(sql, parameters)),
      run: async (sql, parameters) => (hook(sql), store.run(sql, parameters)),
      transaction: (work) => store.transaction(work),
      afterCommit: (callback) => store.afterCommit(callback),
      beforeCommit: (step) => store.beforeCommit(step),
      close: () => store.close(),
    };
  }

  private executing(sql: string): void {
    this.requests.push(sql);
    let due = false;
    for (const fault of this.faults) {
      fault.seen += 1;
      if (fault.seen >= fault.nth && fault.seen < fault.nth + fault.times) due = true;
    }
    if (due) throw new ImBridgeError('INTERNAL', `injected store failure at: ${sql.slice(0, 60)}`);
  }
}
