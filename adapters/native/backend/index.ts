/** The native backend: in-process, its own store, the reference semantics. */
import type { BackendContext, BackendFactory } from '../../../src/spec/index.js';
import { NativeBackend } from './native-backend.js';
import type { SqlExecutor } from './sql-executor.js';
import { openSqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
import { openPostgresStore, type PostgresStoreOptions } from './postgres-store.js';

export type StoreOptions = SqliteStoreOptions | PostgresStoreOptions;

export interface NativeConfig {
  vendor: 'native';
  store?: StoreOptions;
  policy?: { requireFriendship?: boolean };
}

/** The store a config block names, migrated and ready. */
export async function openStore(options: StoreOptions = { driver: 'sqlite' }): Promise<SqlExecutor> {
  return options.driver === 'postgres' ? openPostgresStore(options) : openSqliteStore(options);
}

export const createBackend: BackendFactory<NativeConfig> = async (config: NativeConfig, context: BackendContext) => {
  const backend = new NativeBackend(await openStore(config.store), { requireFriendship: config.policy?.requireFriendship ?? false }, context);
  await backend.handOverLeftRecords();
  return backend;
};

export { NativeBackend } from './native-backend.js';
export type { SqlExecutor } from './sql-executor.js';
export { SqliteExecutor } from './sqlite-executor.js';
export { PostgresExecutor } from './postgres-executor.js';
export { DEFAULT_DATABASE_PATH, openDatabase, openSqliteStore } from './sqlite-store.js';
export { openPostgresStore } from './postgres-store.js';
