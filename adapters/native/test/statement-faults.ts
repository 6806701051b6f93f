/**
 * A fault hook for the native store, the counterpart of a vendor fake's: every statement the
 * backend executes is logged, and the nth from a fault's start fails as a broken store would
 * (an INTERNAL error from inside the transaction). The backdoor keeps its own connection, so its
 * reads are neither logged nor failed.
 */
import type Database from 'better-sqlite3';
import { ImBridgeError } from '../../../src/spec/index.js';
import type { FaultHook, FaultSpec } from '../../../src/testing/index.js';

const EXECUTING = new Set(['run', 'get', 'all', 'iterate']);

export class StatementFaults implements FaultHook {
  readonly requests: string[] = [];
  private faults: Array<{ nth: number; times: number; seen: number }> = [];

  addFault(spec: FaultSpec): void {
    this.faults.push({ nth: spec.nth ?? 1, times: spec.times ?? 1, seen: 0 });
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** `database` as the backend should see it: each statement execution logged and maybe failed. */
  wrap(database: Database.Database): Database.Database {
    const hook = (sql: string) => this.executing(sql);
    return new Proxy(database, {
      get(target, property, receiver) {
        if (property === 'prepare') {
          return (sql: string) => {
            const statement = target.prepare(sql);
            return new Proxy(statement, {
              get(inner, name) {
                const value = Reflect.get(inner, name, inner) as unknown;
                if (typeof value !== 'function') return value;
                if (!EXECUTING.has(String(name))) return (value as (...args: unknown[]) => unknown).bind(inner);
                return (...args: unknown[]) => {
                  hook(sql);
                  return (value as (...args: unknown[]) => unknown).apply(inner, args);
                };
              },
            });
          };
        }
        const value = Reflect.get(target, property, receiver) as unknown;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
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
