/**
 * The SQLite executor under concurrent callers of one process: transactions queue instead of
 * nesting ("cannot start a transaction within a transaction"), and a statement outside a
 * transaction never runs inside another caller's open one (it would see, or join, its writes).
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SqliteExecutor } from '../backend/index.js';

const pause = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('SqliteExecutor with many concurrent callers', () => {
  it('runs 50 concurrent transactions one after another, all committed', async () => {
    const store = new SqliteExecutor(new Database(':memory:'));
    await store.run('CREATE TABLE t (n INTEGER)');
    await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        store.transaction(async () => {
          await store.run('INSERT INTO t (n) VALUES (?)', [index]);
          await pause();
          await store.run('INSERT INTO t (n) VALUES (?)', [-index]);
        }),
      ),
    );
    expect((await store.get<{ count: number }>('SELECT COUNT(*) AS count FROM t'))?.count).toBe(100);
    await store.close();
  });

  it('a read outside a transaction never sees another caller uncommitted rows', async () => {
    const store = new SqliteExecutor(new Database(':memory:'));
    await store.run('CREATE TABLE t (n INTEGER)');
    const seen: number[] = [];
    const writers = Array.from({ length: 20 }, () =>
      store
        .transaction(async () => {
          await store.run('INSERT INTO t (n) VALUES (1)');
          await pause();
          throw new Error('rolled back');
        })
        .catch(() => undefined),
    );
    const readers = Array.from({ length: 20 }, async () => {
      await pause();
      seen.push((await store.get<{ count: number }>('SELECT COUNT(*) AS count FROM t'))!.count);
    });
    await Promise.all([...writers, ...readers]);
    expect(seen.filter((count) => count !== 0)).toEqual([]);
    await store.close();
  });
});
